"""What every browser test does on a page: audit it (axe-core, identifier scan), record it in
the session report, take a screenshot, sign in and out through the real forms."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.identifiers import identifiers_in


@dataclass
class Visit:
    test: str
    url: str
    title: str
    violations: int
    incomplete: int
    critical_incomplete: int
    identifiers: int | None  # None: a staff page, not scanned
    rules: list[str] = dataclasses.field(default_factory=list)


_REPORT: list[Visit] = []
_PROBLEMS: list[str] = []  # those of the running test
_CURRENT = {"test": ""}
_LOADED_AT = time.time()  # report files older than this run are left aside


def report_dir() -> Path:
    folder = Path(os.environ.get("BROWSER_REPORT_DIR") or tempfile.gettempdir())
    return folder / "mel-ess-browser-report"


def write_report() -> None:
    """This process's share of the report, as JSON (one file per xdist worker)."""
    if not _REPORT:
        return
    folder = report_dir()
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = folder / f"axe-{worker}.json"
    path.write_text(json.dumps([v.__dict__ for v in _REPORT], ensure_ascii=False, indent=1))


def print_report(terminalreporter: Any) -> None:
    """Every page visited with its counts (the workers' files when run under xdist)."""
    visits = list(_REPORT)
    if not visits and report_dir().is_dir():  # xdist: the workers wrote their share
        started = _LOADED_AT
        for path in report_dir().glob("axe-*.json"):
            if path.stat().st_mtime >= started:
                visits += [Visit(**row) for row in json.loads(path.read_text())]
    if not visits:
        return
    write = terminalreporter.write_line
    terminalreporter.section("pages visited in Chromium (axe-core, identifier scan)")
    write("violations / needs review (critical) / identifiers (- = staff page) : test : url")
    for v in visits:
        ids = "-" if v.identifiers is None else str(v.identifiers)
        rules = f"  [{', '.join(v.rules)}]" if v.rules else ""
        write(
            f"{v.violations:>3} / {v.incomplete:>2} ({v.critical_incomplete}) / {ids:>2} : "
            f"{v.test} : {v.url}{rules}"
        )
    write(f"report: {report_dir()}")


def audit_page(page: Any, *, staff: bool = False) -> Visit:
    """axe-core on the page as shown now, then (non-staff readers) the identifier scan."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page).response
    violations = results["violations"]
    incomplete = results["incomplete"]
    critical = [r for r in incomplete if r.get("impact") == "critical"]
    url = page.url.split("//", 1)[-1].split("/", 1)[-1]
    visit = Visit(
        test=_CURRENT["test"],
        url="/" + url,
        title=page.title(),
        violations=len(violations),
        incomplete=len(incomplete),
        critical_incomplete=len(critical),
        identifiers=None,
        rules=[f"{r['id']}({r.get('impact')})" for r in violations + critical],
    )
    for rule in violations:
        _PROBLEMS.append(f"{visit.url}: axe violation {_describe(rule)}")
    for rule in critical:
        _PROBLEMS.append(f"{visit.url}: axe needs review (critical) {_describe(rule)}")
    if not staff:
        tokens = identifiers_in(page.inner_text("body"))
        visit.identifiers = len(tokens)
        if tokens:
            _PROBLEMS.append(f"{visit.url}: identifiers shown to a non-staff reader: {tokens}")
    _REPORT.append(visit)
    return visit


def _describe(rule: dict[str, Any]) -> str:
    targets = [", ".join(node.get("target", [])) for node in rule.get("nodes", [])][:5]
    return f"{rule['id']} ({rule.get('impact')}): {rule.get('help')} on {targets}"


def screenshot(page: Any, name: str) -> Path | None:
    """A full-page PNG under $BROWSER_SCREENSHOTS (nothing written when it is unset)."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, user: Any, *, staff: bool = False) -> None:
    """Signs in through the real form (personas have no second factor in the tests)."""
    from tests.factories.accounts import PASSWORD

    page.goto("/compte/connexion/")
    audit_page(page)
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    press(page.get_by_role("button", name="Se connecter"))
    assert "/compte/connexion" not in page.url, f"{user.email} could not sign in"
    audit_page(page, staff=staff)


def logout(page: Any) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("load")


def field(page: Any, label: str) -> Any:
    """The field whose label is ``label``, with or without the "(obligatoire)" mark."""
    import re

    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*(\(obligatoire\)|\*)?\s*$"))


def press(locator: Any) -> None:
    """Clicks (taps on a touch screen) a button or link and waits for the page it leads to."""
    page = locator.page
    with page.expect_navigation():
        if page.viewport_size and page.viewport_size["width"] < 600:
            locator.tap()
        else:
            locator.click()
    page.wait_for_load_state("load")


def menu(page: Any, name: str) -> None:
    """Follows a link of the main menu (the header's navigation)."""
    nav = page.get_by_role("navigation", name="Menu principal")
    press(nav.get_by_role("link", name=name, exact=True))


def choose(select: Any, text: str) -> None:
    """Selects the option of ``select`` whose visible text contains ``text``."""
    option = select.locator("option").filter(has_text=text).first
    select.select_option(value=option.get_attribute("value"))


def open_my_dossier(page: Any, title: str) -> None:
    """From the home page, "Où en est mon dossier ?": the dossier's status page."""
    card = page.get_by_role("article").filter(has_text=title).first
    press(card.get_by_role("link", name=title, exact=True))
    assert "/mon-dossier/" in page.url, page.url

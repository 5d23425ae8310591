"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

- The whole directory is skipped when Chromium is absent (``/usr/bin/chromium`` or
  ``CHROMIUM_PATH``), except under ``CI``: there a missing browser fails the run.
- ``page`` is a 1280x800 desktop tab, ``phone`` a 390x844 touch screen with a mobile UA.
- ``audit_page(page)`` runs axe-core on the page (0 violations, 0 "needs review" results of
  critical impact) and, for non-staff readers, the identifier scan of its visible text. The
  problems of a test are gathered and fail the test at its end, so one run lists every page
  of the path; each page and its counts go to the session report (printed at the end and
  written as JSON under ``BROWSER_REPORT_DIR``, by default the system's temporary folder).
- ``screenshot(page, name)`` writes a PNG under ``BROWSER_SCREENSHOTS`` when it is set.

Playwright's sync API keeps an asyncio loop running in this thread while it is started, so the
ORM would refuse to run: ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set for these tests only, and the
browser lives at package scope so the loop is gone before the other tests run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import _CURRENT, _PROBLEMS, print_report, write_report

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
TIMEOUT_MS = 15_000


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    browser_items = [item for item in items if here in Path(str(item.fspath)).parents]
    if not browser_items or shutil.which(chromium_path()):
        return
    if os.environ.get("CI"):
        return  # the browser fixture fails each test with the reason: CI never skips them
    reason = (
        f"Chromium absent ({chromium_path()}): tests du navigateur ignorés. "
        "Installez-le (apt-get install chromium) ou indiquez CHROMIUM_PATH."
    )
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish(session: pytest.Session) -> None:
    write_report()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    print_report(terminalreporter)


# Browser and pages ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _test_name(request: pytest.FixtureRequest) -> None:
    _CURRENT["test"] = request.node.name


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if not shutil.which(path):
        pytest.fail(f"CI: Chromium is required for the browser tests and {path} is absent.")
    from playwright.sync_api import sync_playwright

    # While Playwright runs, its loop is this thread's running loop: the ORM must be told that
    # these synchronous calls are safe, for exactly that time (the database teardown included).
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def _context(browser: Any, live_server: Any, **options: Any) -> Any:
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Any, live_server: Any, _audit: None) -> Iterator[Any]:
    context = _context(browser, live_server, viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Any, live_server: Any, _audit: None) -> Iterator[Any]:
    context = _context(
        browser,
        live_server,
        viewport=PHONE,
        user_agent=PHONE_UA,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any, _audit: None) -> Iterator[Any]:
    """Opens more desktop tabs, each in its own context (one person signed in per tab)."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] = DESKTOP) -> Any:
        context = _context(browser, live_server, viewport=viewport)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def _audit() -> Iterator[None]:
    _PROBLEMS.clear()
    yield
    _PROBLEMS.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fails the test at its end if any page it audited had a problem, all of them listed:
    one run shows every page of the path, and the test still fails (never an xfail)."""
    outcome = yield
    problems, _PROBLEMS[:] = list(_PROBLEMS), []
    if problems and outcome.excinfo is None:  # type: ignore[attr-defined]
        outcome.force_exception(  # type: ignore[attr-defined]
            AssertionError("Pages with problems:\n" + "\n".join(problems))
        )


@pytest.fixture
def roubaix(db: None) -> Any:
    """A MEL commune with its postal code (the public form asks for both)."""
    from tests.factories.applicants import commune

    place = commune("59512", "Roubaix")
    place.postal_codes = "59100"
    place.save()
    return place

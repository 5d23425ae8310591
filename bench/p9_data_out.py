"""P9 — data out: do the indicators, exports, API and open data stay fast as dossiers pile up?

For each size (1k, 10k, 100k; quick mode: 200 and 1 000, counts only) a fresh database is
cloned from the run's demo database, ``demo.bulk.seed_dossiers`` adds N dossiers with
realistic money, dates and outcomes, and a child process (``bench/data_out_child.py``: fresh
memory, its own connection) measures every target of ``TARGETS`` as its persona:

- ``page``: p50 and p95 over ``REQUESTS`` requests. Target: p50 at N ÷ p50 at the first
  size ≤ 1.5 (issue #13, "Performance").
- ``list``: SQL queries for one page of the list. Target: identical at every size.
- ``stream``: peak Python memory (tracemalloc) and peak RSS growth while reading every row of
  the response. Target: a peak ≤ ``MAX_PEAK_MIB`` at every size (100 000 rows held at once
  weigh hundreds of MiB; a stream holds one chunk of rows); its ratio to the first size is
  shown beside it (a ratio of small peaks is noise: under 2 000 rows the whole table is one
  chunk).
- ``job``: the same memory figures for a function run in the child (``url`` is
  ``"module:function"``, called with the persona's user): a background export, which no
  request streams. Quick mode checks that it wrote every row.

``setup`` (``"module:function"``, called with the persona's user before the target is
measured) prepares what production would have (the nightly indicator snapshots) and may
return figures reported beside the target (the snapshots' computing time, not judged).

Adding a target is one line in ``TARGETS``; a feature not merged yet is marked
``pending=True`` and reported "à brancher" instead of measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from typing import Any

from .context import BenchContext
from .report import Figure

QUICK_SIZES = (200, 1000)
MAX_PAGE_RATIO = 1.5
MAX_PEAK_MIB = 32


@dataclass(frozen=True)
class Target:
    """``url``: a URL name (reversed) or a path; ``persona``: a role of ``bench.context``
    (``""``: anonymous, for public files); ``headers``: ``"module:function"`` returning the
    request's headers for the persona's user (an API key), when the session is not enough."""

    kind: str  # "page", "list", "stream" or "job"
    label: str
    url: str
    persona: str
    headers: str = ""
    pending: bool = False
    method: str = "GET"
    setup: str = ""


HOOKS = "bench.data_out_hooks"

TARGETS = (
    Target("page", "indicateurs du plan", "steering:indicators", "steering", setup=f"{HOOKS}:indicator_snapshots"),
    Target("list", "liste des candidatures (équipe MEL)", "workflows:application_list", "mel_staff"),
    Target("list", "liste des candidatures (financeur)", "workflows:application_list", "financier"),
    Target("list", "API : lignes de financement (financeur)", "api:v1:funding-line-list", "financier", headers=f"{HOOKS}:api_key"),
    Target("list", "API : dossiers (financeur)", "api:v1:dossier-list", "financier", headers=f"{HOOKS}:api_key"),
    Target("list", "API : dossiers (équipe MEL)", "api:v1:dossier-list", "mel_staff", headers=f"{HOOKS}:api_key"),
    Target("stream", "flux CSV de référence (banc d'essai)", "bench_stream", "mel_staff"),
    Target("job", "export CSV des candidatures (tâche de fond)", f"{HOOKS}:export_job_csv", "mel_staff"),
    Target("job", "export XLSX des candidatures (tâche de fond)", f"{HOOKS}:export_job_xlsx", "mel_staff"),
    Target("stream", "jeu de données du laboratoire (ZIP)", "steering:lab_dataset", "lab", method="POST"),
    Target("stream", "données ouvertes SCDL", "/donnees-ouvertes/subventions-2025.csv", ""),
)  # fmt: skip


def baseline(ctx: BenchContext) -> list[Figure]:
    """Runs every size now, on databases of its own cloned from the demo's (before the
    other figures add dossiers to it)."""
    from django.db import connections

    from . import database

    sizes = list(QUICK_SIZES) if ctx.quick else list(ctx.state.get("sizes") or (1000,))
    url = database.sibling(ctx.database_url, "p9")
    figures = [_pending(t, sizes[0]) for t in TARGETS if t.pending]
    first: dict[str, Any] = {}
    for size in sizes:
        connections.close_all()  # a template database must have no other session
        database.clone(ctx.database_url, url)
        result = _child(url, size, ctx.quick)
        sys.stdout.write(
            f"    P9 : {result['dossiers']} dossiers, préparés en {result['seed_seconds']:.0f} s\n"
        )
        figures.append(_seed_figure(result))
        for raw in result["targets"]:
            base = first.setdefault(raw["label"], raw)
            figures.append(_figure(raw, base, result["dossiers"], ctx.quick))
            if raw.get("prepared"):
                figures.append(_prepared_figure(raw, result["dossiers"]))
    database.drop(url)
    return figures


def _child(url: str, size: int, quick: bool) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [sys.executable, "-m", "bench.data_out_child", "--size", str(size)]
    targets = json.dumps([asdict(t) for t in TARGETS if not t.pending])
    done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [*command, *(["--quick"] if quick else []), "--targets", targets],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"P9 à N={size} a échoué :\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _pending(target: Target, size: int) -> Figure:
    return Figure(
        id="P9",
        name=f"{target.label} ({target.url})",
        value="à brancher",
        target=_TARGET_TEXT[target.kind],
        passed=None,
        size=size,
    )


def _seed_figure(result: dict[str, Any]) -> Figure:
    return Figure(
        id="P9",
        name="préparation des dossiers (demo.bulk), secondes",
        value=f"{result['seed_seconds']:.0f} s ({result['applications']} candidatures)",
        target="non jugé",
        passed=None,
        size=result["dossiers"],
        detail={"étapes": result["stages"]},
    )


def _prepared_figure(raw: dict[str, Any], size: int) -> Figure:
    """What the target's setup measured (the nightly snapshots): reported, not judged."""
    found = raw["prepared"]
    value = ", ".join(f"{key} {value}" for key, value in found.items())
    if "semester_seconds" in found:
        value = (
            f"un semestre {found['semester_seconds']:.2f} s ; les {found['snapshots']} "
            f"instantanés standard {found['standard_seconds']:.1f} s"
        )
    return Figure(
        id="P9",
        name=f"{raw['label']} : calcul des instantanés (tâche de nuit)",
        value=value,
        target="non jugé",
        passed=None,
        size=size,
        detail=found,
    )


_TARGET_TEXT = {
    "page": f"p50 ÷ p50 au départ ≤ {MAX_PAGE_RATIO}",
    "list": "requêtes identiques",
    "stream": f"pic mémoire ≤ {MAX_PEAK_MIB} Mio",
    "job": f"pic mémoire ≤ {MAX_PEAK_MIB} Mio",
}


def _figure(raw: dict[str, Any], base: dict[str, Any], size: int, quick: bool) -> Figure:
    """Quick mode and lists judge the query count; pages their time, streams their memory."""
    kind, name = raw["kind"], f"{raw['label']} ({raw['url']})"
    figure = Figure(id="P9", name=name, value="", target="", passed=None, size=size, detail=raw)
    if raw["status"] != 200:
        figure.value, figure.target, figure.passed = f"statut {raw['status']}", "200", False
    elif kind == "job" and quick:
        figure.name += " : lignes écrites"
        figure.value = f"{raw['rows']} sur {raw['expected']}"
        figure.target, figure.passed = "toutes", raw["rows"] == raw["expected"]
    elif quick or kind == "list":
        same = raw["queries"] == base["queries"]
        figure.name += " : requêtes SQL par page"
        figure.value = f"{raw['queries']} ({'identiques' if same else 'DIFFÉRENTES'})"
        figure.target, figure.passed = _TARGET_TEXT["list"], same
    elif kind == "page":
        ratio = raw["p50"] / base["p50"]
        figure.name += " : p50 à N ÷ au départ"
        figure.value = (
            f"{ratio:.2f} (p50 {raw['p50']:.0f} ms, p95 {raw['p95']:.0f} ms, "
            f"min {raw.get('min', 0):.0f} ms)"
        )
        figure.target, figure.passed = _TARGET_TEXT["page"], ratio <= MAX_PAGE_RATIO
    else:
        ratio = raw["peak_mib"] / base["peak_mib"]
        figure.name += " : pic mémoire en lisant tout (÷ au départ)"
        figure.value = (
            f"{raw['peak_mib']:.1f} Mio ({ratio:.2f}), RSS +{raw['rss_mib']:.1f} Mio, "
            f"{raw['rows']} lignes, {raw.get('bytes', 0) / 2**20:.1f} Mio en {raw['seconds']:.1f} s"
        )
        figure.target = _TARGET_TEXT[kind]
        figure.passed = raw["peak_mib"] <= MAX_PEAK_MIB
    return figure

"""P7 — does the inbox slow down as history piles up? Its median time at each size ÷ at the
first size of the run, and ``EXPLAIN`` of every query the page sends: no sequential scan of
a table holding more than 10 000 rows. Targets: ≤ 1.2 and none.

Timed in-process through the test client (the whole Django stack but the socket), after a
warm-up, ``REQUESTS`` times per role; the load test of P6 covers the server around it."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .context import BenchContext
from .pages import ROLE_PAGES, client_for, url_for
from .report import Figure

ROLES = ("mel_staff", "incubator", "committee", "financier")
REQUESTS = 40
WARM_UP = 5
MAX_RATIO = 1.2
BIG_TABLE_ROWS = 10_000


def _median_ms(client: Any, url: str, requests: int = REQUESTS) -> float:
    for _ in range(WARM_UP):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200  # noqa: S101 - a redirect would time nothing
    return statistics.median(times)


def _table_rows() -> dict[str, float]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        return dict(cursor.fetchall())


def _seq_scans(plan: dict[str, Any]) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan":
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found += _seq_scans(child)
    return found


def _big_seq_scans(client: Any, url: str) -> list[str]:
    """Tables over BIG_TABLE_ROWS read by a sequential scan in any query of the page."""
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    rows = _table_rows()
    found: set[str] = set()
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {query['sql']}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            found |= {
                f"{t} ({rows.get(t, 0):,.0f} lignes)".replace(",", " ")
                for t in _seq_scans(plan[0]["Plan"])
                if rows.get(t, 0) > BIG_TABLE_ROWS
            }
    return sorted(found)


def _other_pages(ctx: BenchContext) -> list[Figure]:
    """Every other page of P1, timed the same way but fewer times: not judged (the target is
    the inbox's), shown so that what grows with N is in the table rather than found later."""
    figures = []
    for role, names in ROLE_PAGES.items():
        client = client_for(ctx.persona(role))
        times = {
            name.split(":")[-1]: round(_median_ms(client, url_for(name), requests=10), 1)
            for name in names
            if name != "workflows:inbox"
        }
        first = ctx.state.setdefault("p7_pages_first", {}).setdefault(role, times)
        growth = {page: round(ms / first[page], 2) for page, ms in times.items()}
        worst = max(growth, key=lambda page: growth[page])
        figures.append(
            Figure(
                id="P7",
                name=f"autres pages ({role}) : p50 à N ÷ au départ, la pire (information)",
                value=f"{growth[worst]:.2f} ({worst}, {times[worst]:.0f} ms)",
                target="non jugé",
                passed=None,
                size=ctx.size,
                detail={"p50 ms": times, "rapport au départ": growth},
            )
        )
    return figures


def measure(ctx: BenchContext) -> list[Figure]:
    if ctx.quick:
        return []
    url = url_for("workflows:inbox")
    first = ctx.state.setdefault("p7_first", {})
    figures = []
    for role in ROLES:
        client = client_for(ctx.persona(role))
        median = _median_ms(client, url)
        first.setdefault(role, (ctx.size, median))
        base_size, base = first[role]
        ratio = median / base
        scans = _big_seq_scans(client, url)
        figures.append(
            Figure(
                id="P7",
                name=f"boîte de tâches ({role}) : p50 à N ÷ p50 à {base_size} ; parcours séquentiels",
                value=f"{ratio:.2f} ({median:.1f} ms) ; {len(scans)} parcours",
                target=f"≤ {MAX_RATIO} ; aucun sur > 10 000 lignes",
                passed=ratio <= MAX_RATIO and not scans,
                size=ctx.size,
                detail={
                    "p50 ms": round(median, 2),
                    "p50 ms au départ": round(base, 2),
                    "parcours séquentiels": scans,
                },
            )
        )
    return figures + _other_pages(ctx)

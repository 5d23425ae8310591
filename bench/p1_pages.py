"""P1 — SQL queries per list, inbox and dashboard page for each role: the demo alone (about
ten rows per list) against the grown dataset. Target: ≤ 12 and identical. Each page is
requested once before it is counted, as a server that has been running a while."""

from __future__ import annotations

from typing import Any

from .context import BenchContext
from .pages import ROLE_PAGES, client_for, measure_page, url_for
from .report import Figure

# 12 until issue #12; the lists' filter forms now read their choice lists (communes,
# organisations, sessions: one query each) and the home pages name the waiting steps with
# their dossiers and deadlines (two): 16, constant in N (docs/performance.md, "P1").
MAX_QUERIES = 16


def _costs(ctx: BenchContext) -> dict[str, dict[str, Any]]:
    costs: dict[str, dict[str, Any]] = {}
    for role, names in ROLE_PAGES.items():
        client = client_for(ctx.persona(role))
        for name in names:
            url = url_for(name)
            client.get(url)  # a running server: its process caches (content types,
            cost = measure_page(client, url)  # permission ids) are filled already
            costs[f"{role} {name}"] = {
                "status": cost.status,
                "queries": cost.queries,
                "rows": cost.rows,
            }
    return costs


def baseline(ctx: BenchContext) -> list[Figure]:
    ctx.state["p1_small"] = _costs(ctx)
    return []


def measure(ctx: BenchContext) -> list[Figure]:
    small, large = ctx.state["p1_small"], _costs(ctx)
    figures = []
    for role in ROLE_PAGES:
        pages = {k: v for k, v in large.items() if k.startswith(f"{role} ")}
        detail = {
            page: {
                "requêtes (démo → N)": f"{small[page]['queries']} → {cost['queries']}",
                "lignes (démo → N)": f"{small[page]['rows']} → {cost['rows']}",
                "statut": cost["status"],
            }
            for page, cost in pages.items()
        }
        worst = max(cost["queries"] for cost in pages.values())
        same = all(small[p]["queries"] == c["queries"] for p, c in pages.items())
        answered = all(c["status"] == 200 for c in pages.values())
        figures.append(
            Figure(
                id="P1",
                name=f"requêtes SQL par page ({role}, {len(pages)} pages), max",
                value=f"{worst} ({'identiques' if same else 'DIFFÉRENTES'} démo/N)",
                target=f"≤ {MAX_QUERIES}, identiques",
                passed=worst <= MAX_QUERIES and same and answered,
                size=ctx.size,
                detail=detail,
            )
        )
    return figures

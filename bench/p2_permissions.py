"""P2 — permission queries for a 50-row list with an action button on every row: the inbox
("Traiter" on each step the user may take), shown 50 rows at a time. Target: ≤ 3.

A permission query is one that reads roles, grants or memberships (``pages.PERMISSION_TABLES``);
the list query itself filters per object in SQL and counts as one."""

from __future__ import annotations

from unittest import mock

from workflows import views as inbox_views

from .context import BenchContext
from .pages import client_for, measure_page, url_for
from .report import Figure

ROWS = 50
MAX_PERMISSION_QUERIES = 3
ROLES = ("mel_staff", "incubator", "committee", "financier")


def measure(ctx: BenchContext) -> list[Figure]:
    figures = []
    # The inbox shows 25 rows a page; the figure is asked for 50, so this run widens it.
    with mock.patch.object(inbox_views, "PAGE_SIZE", ROWS):
        for role in ROLES:
            cost = measure_page(client_for(ctx.persona(role)), url_for("workflows:inbox"))
            shown = min(cost.rows or 0, ROWS)
            figures.append(
                Figure(
                    id="P2",
                    name=f"requêtes de permission, boîte de tâches de {shown} lignes ({role})",
                    value=cost.permission_queries,
                    target=f"≤ {MAX_PERMISSION_QUERIES}",
                    passed=cost.permission_queries <= MAX_PERMISSION_QUERIES and cost.status == 200,
                    size=ctx.size,
                    detail={
                        "lignes affichées": shown,
                        "requêtes en tout": cost.queries,
                        "statut": cost.status,
                    },
                )
            )
    return figures

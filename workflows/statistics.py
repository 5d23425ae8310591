"""Aggregated, pseudonymised figures for the steering committee and the evaluation lab.

Only counts leave this module. Categories below the confidentiality threshold are merged
into one "Autres" row; when that row would itself be small, the next-smallest categories join
it (secondary suppression), because a single hidden cell can otherwise be recovered by
subtracting the visible ones from the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count

from applicants.models import Project, ProjectStage, QpvOutcome, Sector

OTHERS_LABEL = "Autres (effectifs regroupés)"


@dataclass(frozen=True)
class Cell:
    label: str
    count: int
    threshold: int

    @property
    def display(self) -> str:
        return f"moins de {self.threshold}" if 0 < self.count < self.threshold else str(self.count)


def _cells(rows: list[dict[str, Any]], key: str, labels: dict[str, str]) -> list[Cell]:
    threshold = settings.STATISTICS_MIN_CELL
    cells = [
        Cell(
            labels.get(str(row[key]), str(row[key] or "Non renseigné")),
            int(row["total"]),
            threshold,
        )
        for row in rows
    ]
    return suppress_small_cells(cells, threshold)


def suppress_small_cells(cells: list[Cell], threshold: int) -> list[Cell]:
    """Merge the categories below ``threshold`` (and, if needed, the next-smallest ones)
    into one row whose count is at least ``threshold`` whenever the table allows it."""
    visible = sorted((c for c in cells if c.count >= threshold), key=lambda c: -c.count)
    merged = sum(c.count for c in cells if c.count < threshold)
    if merged == 0:
        return visible
    while merged < threshold and visible:
        merged += visible.pop().count
    return [*visible, Cell(OTHERS_LABEL, merged, threshold)]


def project_figures() -> dict[str, object]:
    """Projects by stage, by QPV outcome, by sector and by commune (counts only)."""
    projects = Project.objects.all()
    by = lambda field: list(  # noqa: E731
        projects.values(field).annotate(total=Count("pk")).order_by("-total", field)
    )
    qpv_labels = {k: str(v) for k, v in QpvOutcome.choices}
    return {
        "total": Cell("total", projects.count(), settings.STATISTICS_MIN_CELL),
        "by_stage": _cells(by("stage"), "stage", {k: str(v) for k, v in ProjectStage.choices}),
        "by_qpv": _cells(by("current_qpv__outcome"), "current_qpv__outcome", qpv_labels),
        "by_sector": _cells(by("sector"), "sector", {k: str(v) for k, v in Sector.choices}),
        "by_commune": _cells(by("commune__name"), "commune__name", {}),
    }

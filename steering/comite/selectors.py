"""Reads for the Comité's pages: the meetings a person may see, and what a report says."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.selectors import AnyUser, filter_visible
from steering.indicators.types import Period, PlanIndicators
from steering.models import ComiteMeeting, SemesterReport


def meetings_visible_to(user: AnyUser) -> QuerySet[ComiteMeeting]:
    """Meetings ``user`` may see, each with its report's state (not its figures nor PDF)."""
    return filter_visible(
        user,
        ComiteMeeting.objects.select_related("report").defer("report__indicators", "report__pdf"),
    )


def report_title(period: Period) -> str:
    """ "Rapport du 2e semestre 2026", or "Rapport du 1er mars 2026 au 31 août 2026"."""
    return f"Rapport du {period.label}" if period.is_semester else f"Rapport {period.label}"


def report_indicators(report: SemesterReport) -> PlanIndicators:
    """The figures as they were computed when the report was (last) generated."""
    return PlanIndicators.from_json(report.indicators)

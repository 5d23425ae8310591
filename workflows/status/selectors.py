"""Reads of a dossier for its status: the application opened from a journey, and the
dossier's stage label computed from both."""

from __future__ import annotations

from django.db.models import Min, Q

from workflows.models import Application, Journey
from workflows.status.stages import dossier_stage_label


def application_of(*, journey: Journey) -> Application | None:
    """The application opened from ``journey`` with its session and the due date of the
    next report still to send (one query)."""
    return (
        Application.objects.filter(source_journey=journey)
        .select_related("committee_session")
        .annotate(
            next_report_due=Min("reports__due_on", filter=Q(reports__submitted_at__isnull=True))
        )
        .first()
    )


def journey_stage_label(*, journey: Journey) -> str:
    """Where the dossier stands, in the applicant's words (one query)."""
    stage = (
        Application.objects.filter(source_journey=journey).values_list("stage", flat=True).first()
    )
    return dossier_stage_label(journey_stage=journey.stage, application_stage=stage)

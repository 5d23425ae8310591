"""Reads of applications, filtered per object."""

from __future__ import annotations

from django.db.models import QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.selectors import AnyUser, filter_visible
from workflows.models import Application, ApplicationStatus


def application_list(*, user: AnyUser, stage: str = "") -> QuerySet[Application]:
    """Applications the user may see (all for MEL staff, its portfolio for a support
    organisation, the dossiers shared with a financier, their own for a holder), optionally
    at one stage, with what a list row shows, in one query."""
    queryset = Application.objects.select_related(
        "project__commune",
        "project__current_qpv",
        "project__support_organisation",
        "holder__user",
        "committee_session",
    ).order_by("-created", "-pk")
    if stage in ApplicationStatus.values:
        queryset = queryset.filter(stage=stage)
    return filter_visible(user, queryset)


def application_queryset() -> QuerySet[Application]:
    """An application with what its pages show about the project and the holder."""
    return Application.objects.select_related(
        "project__structure__legal_form",
        "project__structure__commune",
        "project__commune",
        "project__support_organisation",
        "holder__user",
        "rule_version",
    )


# The steps that instruct a dossier ask for this permission (completeness, eligibility, the
# instruction note, the committee's deliberation recorded by staff; later the convention and
# payments): whoever completed one of them instructed it.
INSTRUCT_PERMISSION = "workflows.instruct_application"


def instructed_steps(*, application_id: int) -> QuerySet[Task]:
    """The instruction steps of the dossier someone completed."""
    return Task.objects.filter(
        process_id=application_id,
        status=STATUS.DONE,
        owner_permission=INSTRUCT_PERMISSION,
        owner__isnull=False,
    )


def application_instructor_ids(*, application_id: int) -> set[int]:
    """Who instructed the dossier, from the steps they completed (one query). Separation of
    duties: they neither score it in the committee nor sign a financier's decision on it.
    The journey's triage is not counted: it sorts a first contact (this programme or not,
    which incubator) before any dossier exists, judging no merit and proposing no amount."""
    return set(instructed_steps(application_id=application_id).values_list("owner_id", flat=True))

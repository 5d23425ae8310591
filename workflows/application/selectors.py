"""Reads of applications, filtered per object."""

from __future__ import annotations

from django.db.models import QuerySet

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

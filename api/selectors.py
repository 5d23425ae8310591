"""What an API client (or a signed-in person) may read: every queryset goes through
``accounts.selectors.filter_visible`` (the pages' policy), in SQL, ordered by a unique key
so pages are stable, with what a row shows joined or prefetched in a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import OrganisationKind
from accounts.selectors import AnyUser, filter_visible, user_organisation_ids
from funding.models import FundingLine, LineState, Tranche
from reviewers.models import Deliberation
from workflows.models import Application

DECIDED_STATES = (LineState.AWAITING_SECOND, LineState.GRANTED, LineState.DECLINED)


def visible_dossiers(user: AnyUser) -> QuerySet[Application]:
    """A support organisation's portfolio, a financier's dossiers with a line, all for MEL
    staff, their own for a holder; nothing for the committee or the steering reader."""
    return filter_visible(user, Application.objects.all())


def dossier_list(user: AnyUser) -> QuerySet[Application]:
    return (
        visible_dossiers(user)
        .select_related(
            "project__commune",
            "project__current_qpv",
            "project__structure",
            "project__support_organisation",
            "holder__user",
        )
        .order_by("pk")
    )


def funding_line_list(user: AnyUser) -> QuerySet[FundingLine]:
    """A financier's own lines, every line for MEL staff."""
    return (
        filter_visible(user, FundingLine.objects.all())
        .select_related("organisation", "dossier__project")
        .order_by("pk")
    )


def decision_list(user: AnyUser) -> QuerySet[Deliberation]:
    """The committee's avis on visible dossiers, each with the financiers' decisions the
    user may see (a financier its own, MEL staff all)."""
    lines = filter_visible(user, FundingLine.objects.filter(state__in=DECIDED_STATES))
    return (
        Deliberation.objects.filter(application__in=visible_dossiers(user).values("pk"))
        .select_related("session", "application__project")
        .prefetch_related(
            Prefetch(
                "application__funding_lines",
                queryset=lines.select_related("organisation").order_by("pk"),
                to_attr="visible_decisions",
            )
        )
        .order_by("pk")
    )


def tranche_list(user: AnyUser) -> QuerySet[Tranche]:
    return (
        Tranche.objects.filter(application__in=visible_dossiers(user).values("pk"))
        .select_related("application__project")
        .order_by("pk")
    )


def sees_holder_contact(user: AnyUser) -> bool:
    """Holders' e-mail addresses: MEL staff only, as on the pages."""
    return bool(user_organisation_ids(user, OrganisationKind.MEL_TEAM)) or bool(
        getattr(user, "is_superuser", False)
    )


def may_read_indicators(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_perm("applicants.aggregate_project"))

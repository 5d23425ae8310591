"""Reads of journeys and of the steps waiting for someone, filtered per object in SQL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.backends import model_wide_permissions
from accounts.models import User
from accounts.selectors import AnyUser, filter_visible

from .models import (
    Application,
    ApplicationStatus,
    FundingLine,
    Journey,
    JourneyEvent,
    Scoring,
)

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def journey_list(*, user: AnyUser) -> QuerySet[Journey]:
    """Journeys the user may see, with what a list row shows, in one query."""
    queryset = Journey.objects.select_related(
        "project__commune",
        "project__current_qpv",
        "holder__user",
        "proposed_organisation",
        "project__support_organisation",
    ).order_by("-created", "-pk")
    return filter_visible(user, queryset)


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


def journey_detail_queryset() -> QuerySet[Journey]:
    return Journey.objects.select_related(
        "project__commune",
        "project__current_qpv",
        "project__structure",
        "holder__user",
        "proposed_organisation",
        "project__support_organisation",
    )


def journey_timeline(*, journey: Journey, staff_view: bool) -> QuerySet[JourneyEvent]:
    events = journey.events.select_related("actor")
    return events if staff_view else events.filter(visible_to_applicant=True)


def open_tasks_for(*, user: AnyUser) -> QuerySet[Task]:
    """Steps ``user`` may take or already holds: assigned to them, or open to a permission
    they hold model-wide, or granted on the step's object to one of their groups.
    One query whatever the number of steps or grants."""
    if not isinstance(user, User) or not user.is_active:
        return Task.objects.none()
    # Both checks run inside the list's own query: no permission read before it.
    perm_name = Concat("content_type__app_label", Value("."), "codename", output_field=CharField())
    model_wide = (
        model_wide_permissions(user)
        .annotate(perm_name=perm_name)
        .filter(perm_name=OuterRef("owner_permission"))
    )
    via_group = GroupObjectPermission.objects.annotate(
        perm_name=Concat(
            "permission__content_type__app_label",
            Value("."),
            "permission__codename",
            output_field=CharField(),
        )
    ).filter(
        group__user=user,
        perm_name=OuterRef("owner_permission"),
        content_type=OuterRef("owner_permission_content_type"),
        object_pk=OuterRef("owner_permission_obj_pk"),
    )
    unassigned = Q(owner__isnull=True) & (Exists(model_wide) | Exists(via_group))
    from .flows_committee import FundingLineFlow

    # The first signer of a funding line cannot countersign it: not their step to take.
    # A correlated EXISTS, not a join: counting the inbox then never reads the process table.
    signed_by_user = FundingLine.objects.filter(pk=OuterRef("process_id"), first_signer=user)
    own_countersign = Q(flow_task=FundingLineFlow.countersign) & Exists(signed_by_user)
    return (
        Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN)
        .filter(Q(owner=user) | unassigned)
        .exclude(own_countersign)
        .select_related("owner")
        .order_by("created", "pk")
    )


def with_dossiers(tasks: Iterable[Task]) -> list[Task]:
    """The page's steps, each with its dossier (``task_urls.task_dossier``) loaded: one
    query per kind of process on the page, instead of one 35-join query that PostgreSQL
    spends longer planning than running and Django longer turning into objects."""
    from .flows import JourneyFlow
    from .flows_application import ApplicationFlow
    from .flows_committee import FundingLineFlow, ScoringFlow

    tasks = list(tasks)
    shown = ("project__commune", "holder__user")
    kinds: dict[Any, tuple[Any, tuple[str, ...], str]] = {
        JourneyFlow: (Journey, shown, ""),
        ApplicationFlow: (Application, shown, ""),
        ScoringFlow: (Scoring, tuple(f"dossier__{p}" for p in shown), "dossier"),
        FundingLineFlow: (FundingLine, tuple(f"dossier__{p}" for p in shown), "dossier"),
    }
    by_flow: dict[Any, set[int]] = {}
    for task in tasks:
        by_flow.setdefault(task.flow_task.flow_class, set()).add(task.process_id)
    dossiers: dict[int, Any] = {}
    for flow_class, process_ids in by_flow.items():
        if flow_class not in kinds:
            continue  # a flow without a dossier: the row shows the step alone
        model, related, hop = kinds[flow_class]
        for process in model.objects.filter(pk__in=process_ids).select_related(*related):
            dossiers[process.pk] = getattr(process, hop) if hop else process
    for task in tasks:
        task.dossier_cache = dossiers.get(task.process_id)
    return tasks


def open_tasks_of_journey(*, journey: Journey) -> QuerySet[Task]:
    return journey.task_set.filter(flow_task_type="HUMAN", status__in=OPEN).select_related("owner")


DEADLINE_LABELS = {
    "triage": "Réponse de l'équipe de la MEL attendue",
    "orientation": "Réponse de la structure d'accompagnement attendue",
    "support": "Prochain point d'étape de l'accompagnement",
}


def next_deadline(*, journey: Journey) -> tuple[str, Any] | None:
    """The earliest scheduled deadline of the journey's open steps, with a plain label."""
    timer = (
        journey.task_set.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED)
        .order_by("scheduled")
        .first()
    )
    if timer is None or timer.scheduled is None:
        return None
    host = timer.flow_task.name.removesuffix("__timeout")
    return DEADLINE_LABELS.get(host, "Prochaine échéance"), timer.scheduled

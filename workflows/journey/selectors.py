"""Reads of journeys, filtered per object."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.selectors import AnyUser, filter_visible
from workflows.engine import OPEN_STATUSES
from workflows.models import Journey, JourneyEvent
from workflows.steps import step_class_of


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


def open_tasks_of_journey(*, journey: Journey) -> QuerySet[Task]:
    return journey.task_set.filter(flow_task_type="HUMAN", status__in=OPEN_STATUSES).select_related(
        "owner"
    )


def next_deadline(*, journey: Journey) -> tuple[str, Any] | None:
    """The earliest scheduled deadline of the journey's open steps, with a plain label."""
    timer = (
        journey.task_set.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED)
        .order_by("scheduled")
        .first()
    )
    if timer is None or timer.scheduled is None:
        return None
    # A deadline is a boundary timer: its label is the one its step's page declares.
    step = step_class_of(getattr(timer.flow_task, "_attached_to", None))
    label = step.deadline_label if step is not None and step.deadline_label else ""
    return label or "Prochaine échéance", timer.scheduled

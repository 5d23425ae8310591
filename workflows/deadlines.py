"""A dossier's deadlines, read in the lists' own query: the earliest deadline still to come
of its open steps (a boundary timer not yet fired, as the journey page's "Prochaine
échéance") and whether one has passed."""

from __future__ import annotations

import datetime

from django.db.models import DateTimeField, Exists, OuterRef, QuerySet, Subquery
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS


def _timers() -> QuerySet[Task]:
    return Task.objects.filter(
        process_id=OuterRef("pk"), flow_task_type="TIMER", status=STATUS.SCHEDULED
    )


def next_deadline_of_process() -> Subquery:
    """For an annotation on journeys or applications: their earliest pending deadline."""
    earliest = _timers().order_by("scheduled").values("scheduled")[:1]
    return Subquery(earliest, output_field=DateTimeField())


def deadline_passed(*, now: datetime.datetime) -> Exists:
    """For a filter on journeys or applications: a pending deadline is already past."""
    return Exists(_timers().filter(scheduled__lt=now))

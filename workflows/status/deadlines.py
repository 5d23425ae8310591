"""When each open step is due, read for a whole list of steps in a constant number of
queries: a step's deadline is its boundary timer (``OnTimeout``) still scheduled; a
committee member's scoring is due at the session."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from reviewers.models import Scoring


def deadline_day(moment: datetime.datetime) -> datetime.date:
    """The last day to act: a timer set at midnight closes the day before (a complement
    "avant le 12/03" fires on the 13th at 00:00)."""
    return timezone.localtime(moment - datetime.timedelta(microseconds=1)).date()


def with_deadlines(tasks: Iterable[Task]) -> list[Task]:
    """The steps, each with ``deadline`` (a date, or ``None``): at most two queries whatever
    their number. The timers are read for every step's process, even steps with no timer of
    their own: the same query whatever the steps are, so a page costs the same on any data."""
    steps = list(tasks)
    timers = _scheduled_timers([s.process_id for s in steps])
    # A step of a committee member's scoring (``inbox.with_dossiers`` tells its dossier apart).
    sessions = _session_starts(
        [s.process_id for s in steps if getattr(s, "dossier_pk", s.process_id) != s.process_id]
    )
    for step in steps:
        moment = timers.get((step.process_id, step.flow_task))
        if moment is not None:
            step.deadline = deadline_day(moment)
        elif step.process_id in sessions:
            step.deadline = timezone.localtime(sessions[step.process_id]).date()
        else:
            step.deadline = None
    return steps


def _scheduled_timers(process_ids: list[int]) -> dict[tuple[int, Any], datetime.datetime]:
    if not process_ids:
        return {}
    timers: dict[tuple[int, Any], datetime.datetime] = {}
    scheduled = Task.objects.filter(
        process_id__in=process_ids, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).only("process_id", "flow_task", "scheduled")
    for timer in scheduled:
        host = getattr(timer.flow_task, "_attached_to", None)
        if host is not None and timer.scheduled is not None:
            timers[(timer.process_id, host)] = timer.scheduled
    return timers


def _session_starts(process_ids: list[int]) -> dict[int, datetime.datetime]:
    if not process_ids:
        return {}
    scorings = Scoring.objects.filter(pk__in=process_ids).select_related("session")
    return {scoring.pk: scoring.session.starts_at for scoring in scorings}

"""Celery tasks of the indicators: thin (``steering.services`` does the work)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from funding.models import PlanAxis, Programme
from steering.indicators.types import Period
from steering.services import snapshot_recompute, snapshots_recompute_standard


@shared_task(soft_time_limit=1800, time_limit=2000)
def recompute_standard_snapshots() -> int:
    """Every night: every period the indicators page offers by name (``standard_periods``),
    for each scope."""
    return snapshots_recompute_standard(today=timezone.localdate())


@shared_task(soft_time_limit=600, time_limit=700)
def recompute_snapshot(
    start: str, end: str, axis_id: int | None = None, programme_id: int | None = None
) -> int:
    period = Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    axis = PlanAxis.objects.filter(pk=axis_id).first() if axis_id else None
    programme = Programme.objects.filter(pk=programme_id).first() if programme_id else None
    return snapshot_recompute(period=period, axis=axis, programme=programme).pk

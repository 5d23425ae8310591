"""Reads of the kept indicators: one row, whatever the number of dossiers."""

from __future__ import annotations

from funding.models import PlanAxis, Programme
from steering.indicators.types import Period
from steering.models import IndicatorSnapshot
from steering.services import scope_key


def snapshot_for(
    period: Period, *, axis: PlanAxis | None = None, programme: Programme | None = None
) -> IndicatorSnapshot | None:
    return IndicatorSnapshot.objects.filter(
        period_start=period.start,
        period_end=period.end,
        scope=scope_key(axis=axis, programme=programme),
    ).first()

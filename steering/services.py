"""Compute and keep the plan's indicators (``IndicatorSnapshot``): every night for the
standard periods, and on demand for any dates."""

from __future__ import annotations

import datetime
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from funding.models import PlanAxis, Programme
from steering.indicators.compute import plan_indicators
from steering.indicators.types import Period
from steering.models import IndicatorSnapshot

# A request older than this with nothing computed is taken as lost (a worker restarted).
PENDING_TIMEOUT = datetime.timedelta(minutes=15)


def scope_key(*, axis: PlanAxis | None, programme: Programme | None) -> str:
    if programme is not None:
        return f"programme:{programme.pk}"
    if axis is not None:
        return f"axis:{axis.pk}"
    return "plan"


SEMESTERS_OFFERED = 4  # the current semester and the three before it
YEARS_OFFERED = 2  # the current year and the last one


def standard_periods(*, today: datetime.date) -> list[Period]:
    """The periods the indicators page offers by name, most recent first: the current
    semester and the three before it, then the current year and the last one. The nightly
    task computes every one of them, so the page may say "recalculés chaque nuit" for them
    (and only for them); the page's choices are meant to be built from this one list."""
    semesters = [Period.semester_of(today)]
    while len(semesters) < SEMESTERS_OFFERED:
        semesters.append(semesters[-1].previous_semester())
    years = [
        Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        for year in range(today.year, today.year - YEARS_OFFERED, -1)
    ]
    return [*semesters, *years]


def is_nightly(period: Period, *, today: datetime.date) -> bool:
    """Whether the nightly task computes this period (else it was computed on demand)."""
    return period in standard_periods(today=today)


def standard_scopes() -> list[tuple[PlanAxis | None, Programme | None]]:
    scopes: list[tuple[PlanAxis | None, Programme | None]] = [(None, None)]
    scopes += [(axis, None) for axis in PlanAxis.objects.all()]
    scopes += [(None, programme) for programme in Programme.objects.all()]
    return scopes


def snapshot_recompute(
    *, period: Period, axis: PlanAxis | None = None, programme: Programme | None = None
) -> IndicatorSnapshot:
    """Compute the indicators now and keep them, replacing the previous ones (idempotent)."""
    started = time.monotonic()
    indicators = plan_indicators(period, axis=axis, programme=programme)
    snapshot, _created = IndicatorSnapshot.objects.update_or_create(
        period_start=period.start,
        period_end=period.end,
        scope=scope_key(axis=axis, programme=programme),
        defaults={
            "axis": axis,
            "programme": programme,
            "data": indicators.to_json(),
            "computed_at": indicators.computed_at,
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    return snapshot


def snapshots_recompute_standard(*, today: datetime.date) -> int:
    count = 0
    for period in standard_periods(today=today):
        for axis, programme in standard_scopes():
            snapshot_recompute(period=period, axis=axis, programme=programme)
            count += 1
    return count


def snapshot_request(
    *, period: Period, axis: PlanAxis | None = None, programme: Programme | None = None
) -> tuple[IndicatorSnapshot, bool]:
    """The snapshot of this key, created empty if none exists; ``True`` when a computation
    must be started (new, or asked for long ago and never computed)."""
    key = {
        "period_start": period.start,
        "period_end": period.end,
        "scope": scope_key(axis=axis, programme=programme),
    }
    try:
        with transaction.atomic():
            snapshot, created = IndicatorSnapshot.objects.select_for_update().get_or_create(
                **key, defaults={"axis": axis, "programme": programme}
            )
    except IntegrityError:  # another request created it a moment ago: it is on its way
        return IndicatorSnapshot.objects.get(**key), False
    # One request wins the restart of a lost computation (a conditional update).
    now = timezone.now()
    stale = IndicatorSnapshot.objects.filter(
        pk=snapshot.pk, data__isnull=True, requested_at__lt=now - PENDING_TIMEOUT
    ).update(requested_at=now)
    return snapshot, created or stale == 1

"""The kept figures of a period and scope, for the page and the API: read the snapshot, or
ask a worker for it (at once in the demo, where Celery runs eagerly)."""

from __future__ import annotations

from funding.models import PlanAxis, Programme
from steering.indicators.types import Period
from steering.models import IndicatorSnapshot
from steering.selectors import snapshot_for
from steering.services import snapshot_request
from steering.tasks import recompute_snapshot


def snapshot_start(
    period: Period, *, axis: PlanAxis | None = None, programme: Programme | None = None
) -> None:
    recompute_snapshot.delay(
        period.start.isoformat(),
        period.end.isoformat(),
        axis.pk if axis else None,
        programme.pk if programme else None,
    )


def snapshot_get_or_start(
    period: Period, *, axis: PlanAxis | None = None, programme: Programme | None = None
) -> IndicatorSnapshot:
    """The snapshot of this period and scope; its ``data`` is None while a worker computes it."""
    snapshot = snapshot_for(period, axis=axis, programme=programme)
    if snapshot is not None and snapshot.data is not None:
        return snapshot
    snapshot, start = snapshot_request(period=period, axis=axis, programme=programme)
    if start:
        snapshot_start(period, axis=axis, programme=programme)
        snapshot.refresh_from_db()  # computed already when Celery runs eagerly
    return snapshot

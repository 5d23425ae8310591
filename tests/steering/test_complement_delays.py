"""The complements row of the service delays counts dossiers (not requests), and a
deadline is past by Lille's calendar, not UTC's (issue #13)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from accounts.models import User
from steering.indicators.cohort import cohort_of
from steering.indicators.timing import _sla_rows
from steering.indicators.types import Period
from tests.steering.builders import day, dossier
from workflows.models import ComplementRequest

pytestmark = pytest.mark.django_db
APPLIED = (("draft", day(2)), ("submitted", day(3)))
ROW = "Compléments : au moins un fourni après la date demandée"


def _row(at: datetime.datetime) -> list[str]:
    """(dossiers concerned, late) behind the row: the page shows only their share, since
    the counts are funnel steps' counts (a cross-table leak where the funnel hides them)."""
    with time_machine.travel(at, tick=False):
        rows = _sla_rows(cohort_of(Period(day(0).date(), day(0).date())))
    _label, total, late = next(r for r in rows if r[0] == ROW)
    return [str(total), str(late)]


def test_three_requests_to_one_dossier_count_one_dossier(settings: Any, mel_staff: User) -> None:
    settings.STATISTICS_MIN_CELL = 1
    application = dossier(first=day(0), application=APPLIED).application
    assert application is not None
    for n in range(3):
        ComplementRequest.objects.create(
            application=application, message="Pièces", requested_by=mel_staff,
            deadline=day(10 + n).date(), answered_at=day(20),
        )  # fmt: skip
    assert _row(day(30)) == ["1", "1"]


def test_an_unanswered_request_is_late_from_lille_midnight(settings: Any, mel_staff: User) -> None:
    settings.STATISTICS_MIN_CELL = 1
    application = dossier(first=day(0), application=APPLIED).application
    assert application is not None
    deadline = datetime.date(2027, 1, 20)
    ComplementRequest.objects.create(
        application=application, message="Pièces", requested_by=mel_staff, deadline=deadline
    )
    # 23:30 UTC on the 20th is already the 21st in Lille (past the deadline); 22:30 is not.
    assert _row(datetime.datetime(2027, 1, 20, 22, 30, tzinfo=datetime.UTC)) == ["1", "0"]
    assert _row(datetime.datetime(2027, 1, 20, 23, 30, tzinfo=datetime.UTC)) == ["1", "1"]

"""Kept indicators: computed by the tasks, replaced (never doubled) when computed again."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command

from funding.models import PlanAxis, Programme
from steering.forms import OTHER_DATES, period_choices
from steering.indicators.types import Period, PlanIndicators
from steering.models import IndicatorSnapshot
from steering.services import snapshot_recompute, standard_periods
from steering.tasks import recompute_snapshot, recompute_standard_snapshots
from tests.steering.builders import day, dossier

pytestmark = pytest.mark.django_db


def test_the_nightly_task_is_in_the_beat_schedule() -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["steering-indicators"]
    assert entry["task"] == "steering.tasks.recompute_standard_snapshots"


def test_the_standard_periods_are_four_semesters_and_two_years() -> None:
    periods = standard_periods(today=day(200).date())
    assert [(p.start.isoformat(), p.end.isoformat()) for p in periods] == [
        ("2027-07-01", "2027-12-31"),
        ("2027-01-01", "2027-06-30"),
        ("2026-07-01", "2026-12-31"),
        ("2026-01-01", "2026-06-30"),
        ("2027-01-01", "2027-12-31"),
        ("2026-01-01", "2026-12-31"),
    ]


def test_the_nightly_task_computes_every_period_the_page_offers_by_name() -> None:
    today = day(200).date()
    offered = {key for key, _label in period_choices(today) if key != OTHER_DATES}
    nightly = {f"{p.start.isoformat()}_{p.end.isoformat()}" for p in standard_periods(today=today)}
    assert offered == nightly


def test_the_nightly_task_keeps_every_period_for_the_plan_each_axis_and_programme() -> None:
    call_command("load_programme_rules", verbosity=0)
    with time_machine.travel(day(30), tick=False):
        written = recompute_standard_snapshots.delay().get()
    scopes = {"plan"} | {f"axis:{pk}" for pk in PlanAxis.objects.values_list("pk", flat=True)}
    scopes |= {f"programme:{pk}" for pk in Programme.objects.values_list("pk", flat=True)}
    assert written == 6 * len(scopes)
    assert set(IndicatorSnapshot.objects.values_list("scope", flat=True)) == scopes


def test_computing_again_replaces_the_figures_without_a_second_row(settings: Any) -> None:
    settings.STATISTICS_MIN_CELL = 1
    semester = Period.semester_of(day(0).date())
    dossier(first=day(0))
    first = snapshot_recompute(period=semester)
    dossier(first=day(1))
    recompute_snapshot.delay(semester.start.isoformat(), semester.end.isoformat()).get()
    again = IndicatorSnapshot.objects.get()
    assert again.pk == first.pk
    assert again.data is not None
    figures = PlanIndicators.from_json(again.data).section("funnel").figures
    assert figures[0].value.number == 2
    assert again.seconds is not None

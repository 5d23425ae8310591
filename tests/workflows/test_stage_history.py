"""Every change of a dossier's stage leaves one dated row of history, whoever made it."""

from __future__ import annotations

import datetime
import importlib
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.workflows.application_helpers import ready_journey
from tests.workflows.stage_helpers import eligible_application
from workflows.models import Journey, StageChange

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _stages(**dossier: object) -> list[str]:
    return list(StageChange.objects.filter(**dossier).values_list("stage", flat=True))


def test_a_journey_driven_to_ready_gets_one_row_per_stage(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    assert _stages(journey=journey) == ["triage", "orientation", "support", "ready"]


def test_an_application_driven_to_the_agenda_gets_one_row_per_stage(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    assert _stages(application=application) == [
        "draft", "submitted", "complete", "eligible", "on_agenda",
    ]  # fmt: skip


def test_rows_carry_the_time_the_clock_shows(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    moment = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    ats = set(StageChange.objects.filter(journey=journey).values_list("at", flat=True))
    assert ats == {moment}


def test_a_save_that_keeps_the_stage_writes_nothing(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    before = StageChange.objects.count()
    again = Journey.objects.get(pk=journey.pk)
    again.needs = "Autre chose"
    again.save()
    Journey.objects.only("pk").get(pk=journey.pk).save(update_fields=["needs"])
    assert StageChange.objects.count() == before


def test_no_production_code_changes_a_stage_behind_the_signals() -> None:
    """``QuerySet.update(stage=…)`` would leave no history: the code never does it."""
    pattern = re.compile(r"\.update\([^)]*\bstage\s*=")
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("workflows", "reviewers", "funding", "applicants", "steering", "demo")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []


def test_the_backfill_rebuilds_each_stage_from_the_dated_records(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    """Dossiers from before the history: their stages are found again from the records."""
    from django.apps import apps

    backfill = importlib.import_module("workflows.migrations.0016_stage_history_backfill").backfill
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    StageChange.objects.all().delete()
    backfill(apps, None)
    assert _stages(journey=application.source_journey) == [
        "triage", "orientation", "support", "ready",
    ]  # fmt: skip
    assert _stages(application=application) == ["draft", "submitted", "eligible", "on_agenda"]
    assert set(StageChange.objects.values_list("backfilled", flat=True)) == {True}


@pytest.fixture
def ready(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> Journey:
    return ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)


def _changed_elsewhere(journey: Journey) -> Journey:
    """A copy loaded while the journey is "ready", after another copy ended its support."""
    stale = Journey.objects.get(pk=journey.pk)  # remembers "ready"
    other = Journey.objects.get(pk=journey.pk)
    other.stage = "support_ended"
    other.save()
    stale.refresh_from_db()  # stage now support_ended
    return stale


def test_a_save_after_a_refresh_writes_no_second_row(ready: Journey) -> None:
    stale = _changed_elsewhere(ready)
    stale.needs = "autre"
    stale.save()  # stage unchanged
    stages = _stages(journey=ready)
    assert stages.count("support_ended") == 1, stages


def test_a_stage_set_back_after_a_refresh_gets_its_row(ready: Journey) -> None:
    stale = _changed_elsewhere(ready)
    stale.stage = "ready"
    stale.save()
    stages = _stages(journey=ready)
    assert stages[-1] == "ready", stages

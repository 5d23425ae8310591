"""Review proofs: the stage history after ``refresh_from_db`` (stale remembered stage)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.workflows.application_helpers import ready_journey
from workflows.models import Journey, StageChange

pytestmark = pytest.mark.django_db


def test_refresh_then_save_duplicates_a_row(
    client: Client, roubaix: Commune, mel_staff: User, incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    stale = Journey.objects.get(pk=journey.pk)  # remembers "ready"
    other = Journey.objects.get(pk=journey.pk)
    other.stage = "support_ended"
    other.save()
    stale.refresh_from_db()  # stage now support_ended, remembered still "ready"
    stale.needs = "autre"
    stale.save()  # stage unchanged
    stages = list(StageChange.objects.filter(journey=journey).values_list("stage", flat=True))
    assert stages.count("support_ended") == 1, stages


def test_refresh_then_revert_is_missed(
    client: Client, roubaix: Commune, mel_staff: User, incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    stale = Journey.objects.get(pk=journey.pk)  # remembers "ready"
    other = Journey.objects.get(pk=journey.pk)
    other.stage = "support_ended"
    other.save()
    stale.refresh_from_db()
    stale.stage = "ready"
    stale.save()
    stages = list(StageChange.objects.filter(journey=journey).values_list("stage", flat=True))
    assert stages[-1] == "ready", stages

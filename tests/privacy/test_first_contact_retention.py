"""Public first contacts waiting for their link are deleted a few days after it expired,
whether it was followed or not; a second run deletes nothing more."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.models import Commune
from privacy.retention.first_contact_rules import PENDING_FIRST_CONTACTS as RULE
from privacy.retention.rules import RULES
from tests.workflows.conftest import (
    first_contact_data,
    roubaix,
    submit_first_contact,
)
from workflows.models import Journey, PendingFirstContact

__all__ = ["roubaix"]  # the fixture, used by name

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2027, 3, 23, 12, 0, tzinfo=datetime.UTC)


def _run(now: datetime.datetime) -> int:
    done = 0
    for pending in RULE.due(now):
        RULE.apply(pending)
        done += 1
    return done


def test_the_rule_is_declared_with_its_setting() -> None:
    assert RULE in RULES
    assert RULE.code == "pending_first_contacts"
    assert RULE.setting == "RETENTION_PENDING_FIRST_CONTACT_DAYS"


def test_pending_contacts_are_deleted_days_after_their_link_expired(
    roubaix: Commune,
) -> None:
    with time_machine.travel(NOON, tick=False):
        Client().post(reverse("workflows:first_contact"), first_contact_data(roubaix))
        journey = submit_first_contact(Client(), roubaix, email="confirmee@example.org")
    expiry = NOON + datetime.timedelta(hours=48)
    seven_days = datetime.timedelta(days=7)

    assert _run(expiry + seven_days - datetime.timedelta(seconds=1)) == 0
    soon = RULE.due_soon
    assert soon is not None
    assert soon(expiry, expiry + seven_days + datetime.timedelta(days=1)).count() == 2
    assert _run(expiry + seven_days) == 2
    assert not PendingFirstContact.objects.exists()
    assert _run(expiry + seven_days) == 0  # idempotent
    assert Journey.objects.filter(pk=journey.pk).exists()  # the dossier stays


def test_a_contact_still_in_its_link_s_validity_is_never_due(roubaix: Commune) -> None:
    Client().post(reverse("workflows:first_contact"), first_contact_data(roubaix))
    assert _run(timezone.now() + datetime.timedelta(days=1)) == 0

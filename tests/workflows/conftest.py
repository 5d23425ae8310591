"""Helpers for driving the journey through HTTP as each persona."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.models import User
from applicants.models import Commune
from tests.factories.accounts import PASSWORD
from tests.factories.applicants import commune
from workflows.models import Journey


@pytest.fixture
def roubaix(db: None) -> Commune:
    obj = commune("59512", "Roubaix")
    obj.postal_codes = "59100"
    obj.save()
    return obj


def first_contact_data(commune_obj: Commune, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Nadia",
        "last_name": "Benali",
        "email": "nadia@example.org",
        "phone": "06 11 22 33 44",
        "title": "Cantine solidaire",
        "summary": "Une cantine de quartier à prix libre.",
        "sector": "food",
        "stage": "emergence",
        "needs": "Trouver un local et construire mon budget.",
        "address": "",
        "postal_code": "59100",
        "commune": commune_obj.pk,
        "structure_name": "",
        "siret": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


def confirmation_url(email: str) -> str:
    """The link e-mailed for the latest first contact sent with ``email`` (worked out as the
    e-mail does: the database keeps only its hash)."""
    from workflows.journey.confirmation import confirmation_token
    from workflows.models import PendingFirstContact

    held = PendingFirstContact.objects.filter(email=email).latest("pk")
    return reverse("workflows:first_contact_confirm", args=[confirmation_token(held.nonce)])


def send_and_confirm(client: Client, commune_obj: Commune, **overrides: str) -> Any:
    """Send the public form, then follow the e-mailed link and confirm, as the person does;
    returns the confirmation's response."""
    email = overrides.get("email", "nadia@example.org")
    response = client.post(
        reverse("workflows:first_contact"), first_contact_data(commune_obj, **overrides)
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    link = confirmation_url(email)
    assert client.get(link).status_code == 200
    confirmed = client.post(link)
    assert confirmed.status_code == 200, confirmed.content.decode()[:2000]
    return confirmed


def submit_first_contact(client: Client, commune_obj: Commune, **overrides: str) -> Journey:
    """A first contact sent and confirmed by its link; its (latest) journey."""
    send_and_confirm(client, commune_obj, **overrides)
    email = overrides.get("email", "nadia@example.org")
    return Journey.objects.filter(holder__user__email=email).latest("pk")


def open_task(journey: Journey, node: str) -> Task:
    from workflows.journey.flows import JourneyFlow

    return Task.objects.get(
        process_id=journey.pk,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
        flow_task=getattr(JourneyFlow, node),
    )


def act(client: Client, user: User, task: Task, data: dict[str, object]) -> Any:
    client.force_login(user)
    return client.post(reverse("workflows:task", args=[task.pk]), data)


def make_timers_due(journey: Journey) -> int:
    """Move the journey's scheduled timers to the past, then fire them like beat would."""
    Task.objects.filter(process_id=journey.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    return fire_due_timers()


def applicant_of(journey: Journey) -> User:
    user = journey.holder.user
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def on_agenda(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Any,
    incubator_x_member: User,
    committee: Any,
    committee_member: User,
    financier_f: Any,
) -> Any:
    """An eligible dossier placed on the next session of ``committee``, whose member waits
    for it; ``financier_f`` signs the programme's grant."""
    from tests.workflows.stage_helpers import (
        eligible_application,
        schedule_session,
        set_grant_financier,
    )

    schedule_session(committee)
    set_grant_financier(financier_f)
    return eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)

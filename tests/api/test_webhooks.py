"""Webhooks on decisions and payments, posted to a real receiver on 127.0.0.1: signed,
retried with a growing delay, given up after N attempts with a French reason, and never
sent to an organisation that may not see the object."""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from api import delivery
from api.models import DeliveryState, WebhookDelivery, WebhookEvent, WebhookSubscription
from api.services.webhooks import webhook_subscribe, webhook_url_problem
from api.signing import verify
from api.tasks import relay_webhooks
from applicants.models import Commune
from tests.factories.accounts import make_organisation
from tests.support.webhook_receiver import WebhookReceiver
from tests.workflows.stage_helpers import (
    eligible_application,
    schedule_session,
    set_grant_financier,
)
from tests.workflows.test_award_pages import _advanced

pytestmark = pytest.mark.django_db


def test_decision_and_payment_reach_exactly_the_organisations_that_see_them_signed(
    client: Client,
    town: Commune,
    mel_staff: User,
    mel_team: Organisation,
    incubator_x: Organisation,
    incubator_x_member: User,
    incubator_y: Organisation,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
    webhook_receiver: WebhookReceiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    schedule_session(committee)
    set_grant_financier(financier_f)
    financier_g = make_organisation("Financeur G", OrganisationKind.FINANCIER)
    subs = {
        name: webhook_subscribe(organisation=org, url=f"{webhook_receiver.url}?{name}")
        for name, org in {
            "mel": mel_team, "f": financier_f, "g": financier_g, "x": incubator_x, "y": incubator_y,
        }.items()
    }  # fmt: skip
    application = eligible_application(client, town, mel_staff, incubator_x, incubator_x_member)

    with django_capture_on_commit_callbacks(execute=True):  # delivered after each commit
        _advanced(client, application, mel_staff, financier_member)

    rows = WebhookDelivery.objects.select_related("subscription")
    got = sorted((row.subscription.url.rsplit("?", 1)[1], row.event) for row in rows)
    assert got == [
        ("f", WebhookEvent.LINE_DECIDED),
        ("f", WebhookEvent.TRANCHE_RELEASED),  # the financier sees the dossier of its line
        ("mel", WebhookEvent.LINE_DECIDED),
        ("mel", WebhookEvent.TRANCHE_RELEASED),
        ("x", WebhookEvent.TRANCHE_RELEASED),  # the incubator sees its dossier, not the line
    ]
    assert all(row.state == DeliveryState.DELIVERED for row in rows)
    assert len(webhook_receiver.received) == 5
    for headers, body in webhook_receiver.received:
        row = WebhookDelivery.objects.get(idempotency_key=headers["x-mel-event-id"])
        secret = row.subscription.secret
        assert verify(secret, headers["x-mel-signature"], body, now=int(time.time()))
        assert not verify(subs["g"].secret, headers["x-mel-signature"], body, now=int(time.time()))
        payload = json.loads(body)
        assert payload["event"] == row.event
        assert payload["data"]["dossier"] == application.pk


def _delivery(
    receiver: WebhookReceiver, organisation: Organisation, url: str = ""
) -> WebhookDelivery:
    subscription = webhook_subscribe(organisation=organisation, url=url or receiver.url)
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event=WebhookEvent.TRANCHE_RELEASED,
        payload={"id": "essai", "event": "tranche.versee", "data": {"amount": "6300.00"}},
        idempotency_key=f"essai:{subscription.pk}",
    )


def _make_due(row: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_500_is_retried_later_with_a_growing_delay_then_delivered(
    mel_team: Organisation, webhook_receiver: WebhookReceiver
) -> None:
    row = _delivery(webhook_receiver, mel_team)
    webhook_receiver.statuses = [500, 503]

    assert delivery.deliver_one(row.pk) is False
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == (DeliveryState.PENDING, 1, 500)
    assert row.last_error == "Le partenaire a répondu 500 au lieu de 2xx."
    assert row.next_attempt_at is not None
    first_wait = row.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=20) < first_wait <= datetime.timedelta(seconds=30)
    assert relay_webhooks() == 0  # not due yet

    _make_due(row)
    assert relay_webhooks() == 1  # 503
    row.refresh_from_db()
    assert row.next_attempt_at is not None
    second_wait = row.next_attempt_at - timezone.now()
    assert second_wait > first_wait + datetime.timedelta(seconds=20)

    _make_due(row)
    assert relay_webhooks() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == (DeliveryState.DELIVERED, 3, 200)
    assert row.delivered_at is not None
    keys = {headers["x-mel-event-id"] for headers, _ in webhook_receiver.received}
    assert keys == {row.idempotency_key}  # the same event id on every attempt


def test_a_partner_that_does_not_answer_in_time_is_recorded_in_french(
    mel_team: Organisation, webhook_receiver: WebhookReceiver
) -> None:
    row = _delivery(webhook_receiver, mel_team)
    webhook_receiver.delay = 3.0

    assert delivery.deliver_one(row.pk) is False

    row.refresh_from_db()
    assert row.state == DeliveryState.PENDING
    assert row.last_error == "Pas de réponse du partenaire dans le délai (1 s)."


def test_an_unreachable_address_fails_after_the_last_attempt(
    settings: Any, mel_team: Organisation, webhook_receiver: WebhookReceiver
) -> None:
    settings.API_WEBHOOK_MAX_ATTEMPTS = 3
    row = _delivery(webhook_receiver, mel_team, url="http://127.0.0.1:9/ferme")

    for _attempt in range(3):
        _make_due(row)
        delivery.deliver_one(row.pk)

    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.FAILED, 3)
    assert row.last_error.startswith("Adresse injoignable")
    _make_due(row)
    assert delivery.deliver_one(row.pk) is False  # failed: never posted again


def test_a_delivery_in_flight_is_not_taken_twice(
    mel_team: Organisation, webhook_receiver: WebhookReceiver
) -> None:
    row = _delivery(webhook_receiver, mel_team)
    assert delivery._claim(row.pk) is True
    assert delivery.deliver_one(row.pk) is False
    assert webhook_receiver.received == []


def test_plain_http_is_refused_except_on_this_machine_in_tests(settings: Any) -> None:
    assert webhook_url_problem("https://partenaire.example.org/hook") == ""
    assert webhook_url_problem("http://partenaire.example.org/hook").startswith("L'adresse")
    assert webhook_url_problem("http://127.0.0.1:8000/hook") == ""
    settings.API_WEBHOOK_ALLOW_LOCAL_HTTP = False
    assert webhook_url_problem("http://127.0.0.1:8000/hook") != ""


def test_a_subscription_keeps_a_secret_of_its_own(mel_team: Organisation) -> None:
    one = webhook_subscribe(organisation=mel_team, url="https://a.example.org/")
    two = webhook_subscribe(organisation=mel_team, url="https://b.example.org/")
    assert len(one.secret) == 64
    assert one.secret != two.secret
    assert WebhookSubscription.objects.count() == 2


def test_a_grant_waiting_for_its_second_signature_is_told_only_once_countersigned(
    client: Client,
    settings: Any,
    town: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
    webhook_receiver: WebhookReceiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from funding.models import FundingLine, LineState
    from tests.workflows.stage_helpers import add_member
    from tests.workflows.test_award_pages import _decide, _deliberate

    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 10000
    schedule_session(committee)
    set_grant_financier(financier_f)
    colleague = add_member(financier_f, "directrice@financeur-f.example.org")
    webhook_subscribe(organisation=financier_f, url=webhook_receiver.url)
    application = eligible_application(client, town, mel_staff, incubator_x, incubator_x_member)
    _deliberate(application, mel_staff, 12000)
    line = FundingLine.objects.get(dossier=application)

    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, financier_member, line, {"decision": "grant", "amount": "12000"})
    assert not WebhookDelivery.objects.exists()  # awaiting the second signature: not final

    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, colleague, line, {"decision": "confirm"})
    line.refresh_from_db()
    assert line.state == LineState.GRANTED
    row = WebhookDelivery.objects.get()
    assert (row.event, row.state) == (WebhookEvent.LINE_DECIDED, DeliveryState.DELIVERED)
    payload = json.loads(webhook_receiver.received[0][1])
    assert payload["data"]["state"] == "granted"
    assert payload["data"]["decided_amount"] == "12000.00"
    assert payload["data"]["countersigned_at"] is not None

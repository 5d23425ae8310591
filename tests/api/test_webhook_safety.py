"""Webhooks cannot be turned against the MEL's own network, never reach an organisation that
lost its access, never hold a worker past their timeout, and survive a partner's outage of
several days (then MEL staff may send the abandoned ones again)."""

from __future__ import annotations

import datetime
import socket
import threading
import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.test import Client

from accounts.models import Organisation, User
from accounts.services import access_grant, access_revoke, organisation_set_active
from api import delivery
from api.models import DeliveryState, WebhookDelivery, WebhookEvent
from api.services import webhooks
from api.services.webhooks import webhook_subscribe, webhook_url_problem, webhooks_enqueue
from tests.support.webhook_receiver import WebhookReceiver
from tests.workflows.list_helpers import draft_dossiers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.12/admin",
        "https://127.0.0.1:8443/",
        "https://localhost/",
        "https://[::1]/",
        "https://metadata.google.internal/",
        "https://[::ffff:10.0.0.1]/",
        "https://100.64.0.1/",
        "https://intranet/",
    ],
)
def test_production_refuses_internal_webhook_addresses(settings: Any, url: str) -> None:
    settings.API_WEBHOOK_ALLOW_LOCAL_HTTP = False  # production
    assert webhook_url_problem(url) != "", f"{url} accepted as a webhook address in production"


def _resolving_to(monkeypatch: Any, address: str) -> None:
    """The partner's DNS answer (the resolver is the outside world, not our code)."""

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", getaddrinfo)


def test_a_public_name_resolving_inside_the_network_is_refused(
    settings: Any, monkeypatch: Any
) -> None:
    settings.API_WEBHOOK_ALLOW_LOCAL_HTTP = False
    _resolving_to(monkeypatch, "93.184.216.34")
    assert webhooks.webhook_address("https://partenaire.example.org/h") == ("93.184.216.34", "")
    _resolving_to(monkeypatch, "10.1.2.3")
    problem = webhook_url_problem("https://partenaire.example.org/h")
    assert problem.startswith("Cette adresse mène à un réseau interne")


def test_a_name_that_now_points_inside_is_not_posted_and_says_so_without_detail(
    settings: Any, monkeypatch: Any, mel_team: Organisation
) -> None:
    settings.API_WEBHOOK_ALLOW_LOCAL_HTTP = False
    _resolving_to(monkeypatch, "93.184.216.34")
    subscription = webhook_subscribe(organisation=mel_team, url="https://partenaire.example.org/")
    row = WebhookDelivery.objects.create(
        subscription=subscription, event=WebhookEvent.LINE_DECIDED, payload={}, idempotency_key="r"
    )
    _resolving_to(monkeypatch, "169.254.169.254")  # the partner's DNS changed its answer

    assert delivery.deliver_one(row.pk) is False
    row.refresh_from_db()
    assert row.state == DeliveryState.FAILED
    assert "169.254" not in row.last_error
    assert row.last_error.startswith("Cette adresse mène à un réseau interne")


def test_the_post_goes_to_the_checked_address_not_to_a_second_lookup(
    webhook_receiver: WebhookReceiver,
) -> None:
    port = webhook_receiver.url.split(":")[2].split("/")[0]
    status, error = delivery.post(
        f"http://partenaire.invalid:{port}/webhooks/mel",  # never resolves
        address="127.0.0.1",
        body=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert (status, error) == (200, "")
    headers, _ = webhook_receiver.received[0]
    assert headers["host"] == f"partenaire.invalid:{port}"


def test_a_deactivated_organisation_gets_no_pending_webhook(
    financier_f: Organisation, webhook_receiver: WebhookReceiver
) -> None:
    subscription = webhook_subscribe(organisation=financier_f, url=webhook_receiver.url)
    row = WebhookDelivery.objects.create(
        subscription=subscription,
        event=WebhookEvent.LINE_DECIDED,
        payload={"id": "x", "data": {"decided_amount": "9000.00"}},
        idempotency_key="x",
    )
    organisation_set_active(organisation=financier_f, active=False)
    delivery.deliver_one(row.pk)
    row.refresh_from_db()
    assert webhook_receiver.received == [], "posted to a deactivated organisation"
    assert row.state == DeliveryState.FAILED
    assert row.last_error == "Organisation désactivée : envoi annulé."


def test_an_organisation_that_lost_access_to_the_dossier_gets_no_pending_webhook(
    financier_f: Organisation, webhook_receiver: WebhookReceiver
) -> None:
    (application,) = draft_dossiers(1)
    access_grant(organisation=financier_f, obj=application)
    webhook_subscribe(organisation=financier_f, url=webhook_receiver.url)
    (pk,) = webhooks_enqueue(
        event=WebhookEvent.TRANCHE_RELEASED, obj=application, data={}, occurrence="t1"
    )
    access_revoke(organisation=financier_f, obj=application)

    assert delivery.deliver_one(pk) is False
    row = WebhookDelivery.objects.get(pk=pk)
    assert webhook_receiver.received == []
    assert row.state == DeliveryState.FAILED
    assert row.last_error == "L'organisation n'a plus accès à ce dossier : envoi annulé."


@pytest.mark.parametrize(
    ("head", "answered"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", True),  # the body trickles
        (b"HTTP/1.1 200 OK\r\n", False),  # the headers trickle: no complete answer in time
    ],
)
def test_a_slow_partner_cannot_hold_a_delivery_beyond_the_timeout(
    mel_team: Organisation, settings: Any, head: bytes, answered: bool
) -> None:
    """The timeout bounds the whole exchange, not each socket read: a partner trickling its
    answer (one byte every 0.6 s) does not hold the worker, nor outlive the claim's lease;
    only the status line and headers are read."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def trickle() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(head)
        for _ in range(8):
            time.sleep(0.6)
            try:
                conn.sendall(b"X")
            except OSError:
                break
        conn.close()

    threading.Thread(target=trickle, daemon=True).start()
    subscription = webhook_subscribe(organisation=mel_team, url=f"http://127.0.0.1:{port}/h")
    row = WebhookDelivery.objects.create(
        subscription=subscription, event=WebhookEvent.LINE_DECIDED, payload={}, idempotency_key="s"
    )
    started = time.monotonic()
    delivery.deliver_one(row.pk)
    elapsed = time.monotonic() - started
    server.close()
    assert elapsed < 2 * settings.API_WEBHOOK_TIMEOUT_SECONDS, f"held {elapsed:.1f} s"
    row.refresh_from_db()
    if answered:
        assert row.state == DeliveryState.DELIVERED
    else:
        assert row.last_error == "Pas de réponse du partenaire dans le délai (1 s)."


def test_a_partner_down_for_three_days_still_gets_its_events() -> None:
    attempts = django_settings.API_WEBHOOK_MAX_ATTEMPTS
    span = sum((delivery.backoff(n) for n in range(1, attempts)), datetime.timedelta())
    assert span >= datetime.timedelta(days=3)
    assert max(delivery.backoff(n) for n in range(1, 60)) == datetime.timedelta(hours=6)


def test_staff_send_an_abandoned_delivery_again_from_the_admin(
    client: Client,
    mel_staff: User,
    mel_team: Organisation,
    webhook_receiver: WebhookReceiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscription = webhook_subscribe(organisation=mel_team, url=webhook_receiver.url)
    failed, delivered = (
        WebhookDelivery.objects.create(
            subscription=subscription,
            event=WebhookEvent.LINE_DECIDED,
            payload={"id": key},
            idempotency_key=key,
            state=state,
            attempts=24,
        )
        for key, state in (("a", DeliveryState.FAILED), ("b", DeliveryState.DELIVERED))
    )
    client.force_login(mel_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response: Any = client.post(
            "/admin/api/webhookdelivery/",
            {"action": "resend", "_selected_action": [failed.pk, delivered.pk]},
            follow=True,
        )
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "1\u00a0envoi remis dans la file" in shown
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (DeliveryState.DELIVERED, 1)
    assert [h["x-mel-event-id"] for h, _ in webhook_receiver.received] == ["a"]


def test_only_mel_staff_may_send_a_delivery_again(
    mel_staff: User, financier_member: User, steering_reader: User
) -> None:
    assert mel_staff.has_perm("api.resend_webhookdelivery")
    assert not financier_member.has_perm("api.resend_webhookdelivery")
    assert not steering_reader.has_perm("api.resend_webhookdelivery")

"""MEL staff give a key from the admin (shown once, in French) and revoke it there."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from accounts.models import Organisation, User
from api.models import ApiClient

pytestmark = pytest.mark.django_db


def test_staff_create_a_key_see_it_once_and_revoke_it(
    client: Client, mel_staff: User, financier_f: Organisation
) -> None:
    client.force_login(mel_staff)
    response: Any = client.post(
        "/admin/api/apiclient/add/",
        {"organisation": financier_f.pk, "name": "ERP du financeur"},
        follow=True,
    )
    assert response.status_code == 200
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    api_client = ApiClient.objects.get()
    assert "elle ne sera plus jamais affichée" in shown
    key = shown.rsplit("Clé : ", 1)[1].strip()
    assert key.startswith(f"mel_{api_client.key_prefix}_")
    assert client.get("/admin/api/apiclient/").content.decode().count(key) == 0
    listed = Client().get("/api/v1/lignes-financement/", headers={"Authorization": f"Bearer {key}"})
    assert listed.status_code == 200

    client.post(
        "/admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [api_client.pk]},
    )
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None


def test_a_webhook_address_in_plain_http_is_refused_in_the_admin(
    client: Client, settings: Any, mel_staff: User, financier_f: Organisation
) -> None:
    settings.API_WEBHOOK_ALLOW_LOCAL_HTTP = False
    client.force_login(mel_staff)
    response = client.post(
        "/admin/api/webhooksubscription/add/",
        {
            "organisation": financier_f.pk,
            "url": "http://partenaire.example.org/",
            "events": ["ligne.decidee"],
            "active": "on",
        },
    )
    assert "L'adresse doit commencer par https://" in html.unescape(response.content.decode())

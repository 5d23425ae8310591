"""The accessibility statement follows the legal model and every page's footer links it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_statement_is_public_and_follows_the_legal_model(client: Client) -> None:
    response = client.get("/accessibilite/")
    body = response.content.decode()
    assert response.status_code == 200
    for part in (
        "Déclaration d'accessibilité",
        "partiellement conforme",
        "RGAA",
        "4.1",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Technologies utilisées",
        "Environnement de test",
        "Chromium",
        "axe-core",
        "Retour d'information et contact",
        "mailto:entreprendre-autrement@example.org",
        "Voies de recours",
        "Défenseur des droits",
    ):
        assert part in body, part


def test_the_contact_address_comes_from_the_settings(client: Client, settings: Any) -> None:
    settings.CONTACT_EMAIL = "accessibilite@mel.example.org"
    assert "mailto:accessibilite@mel.example.org" in client.get("/accessibilite/").content.decode()


def test_every_page_footer_links_the_statement_and_never_says_non_conforme(
    client: Client,
) -> None:
    for url in (reverse("home"), reverse("accounts:login"), reverse("workflows:first_contact")):
        body = client.get(url).content.decode()
        assert f'href="{reverse("accessibility")}"' in body, url
        assert "Accessibilité : partiellement conforme" in body
        assert "non conforme" not in body

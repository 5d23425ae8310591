"""Errors show French pages, with the way home and who to ask, never a traceback."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import User
from tests.conftest import login
from workflows.errors import server_error

pytestmark = pytest.mark.django_db

DEBUG_PAGE_MARKERS = ("Traceback", "SECRET_TRACEBACK_MARKER", "Using the URLconf", "DEBUG = True")


def _assert_french_page(response: Any, status: int, title: str) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert title in body
    assert 'lang="fr"' in body
    assert "Revenir à l'accueil" in body
    assert "mailto:entreprendre-autrement@example.org" in body
    for marker in DEBUG_PAGE_MARKERS:
        assert marker not in body
    return body


def test_a_missing_page_says_so_in_french_with_the_way_home(client: Client) -> None:
    response = client.get("/cette-page-n-existe-pas/")
    _assert_french_page(response, 404, "Page introuvable")


def test_a_missing_page_keeps_the_signed_in_menu(client: Client, applicant_a: User) -> None:
    body = _assert_french_page(login(client, applicant_a).get("/nulle-part/"), 404, "introuvable")
    assert "Se déconnecter" in body


@pytest.mark.urls("tests.support.failing_urls")
def test_a_crash_shows_the_french_500_page_and_no_traceback(settings: Any) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    body = _assert_french_page(
        client.get("/essai/panne/"), 500, "Le service a rencontré un problème"
    )
    assert reverse("accessibility") in body


def test_the_500_page_reads_neither_the_database_nor_the_request(
    django_assert_num_queries: Any,
) -> None:
    # The failure may come from the database or the session: the page needs neither.
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    _assert_french_page(response, 500, "Le service a rencontré un problème")


@pytest.mark.urls("tests.support.failing_urls")
def test_a_suspicious_request_gets_the_french_400_page() -> None:
    response = Client(raise_request_exception=False).get("/essai/douteux/")
    _assert_french_page(response, 400, "Nous n'avons pas compris votre demande")


@pytest.mark.urls("tests.support.failing_urls")
def test_a_refused_page_says_why_in_french(client: Client, applicant_a: User) -> None:
    response = login(client, applicant_a).get("/essai/refus/")
    body = _assert_french_page(response, 403, "Accès refusé")
    assert "Réservé à l&#x27;équipe de la MEL." in body


@pytest.mark.urls("tests.support.failing_urls")
def test_a_refused_page_offers_to_sign_in_to_someone_signed_out(client: Client) -> None:
    body = _assert_french_page(client.get("/essai/refus/"), 403, "Accès refusé")
    assert reverse("accounts:login") + "?next=/essai/refus/" in body


def test_a_form_sent_without_its_security_token_gets_the_french_expired_page(
    applicant_a: User,
) -> None:
    client = login(Client(enforce_csrf_checks=True), applicant_a)
    response = client.post(reverse("notifications:list"), {})
    body = _assert_french_page(response, 403, "Votre formulaire n'a pas pu être envoyé")
    assert "rien n'a été enregistré" in body
    assert "CSRF" not in body


@pytest.mark.skipif("DJANGO_DEBUG" in os.environ, reason="DEBUG chosen by the environment")
def test_the_demo_settings_run_without_debug() -> None:
    from config.settings import local

    assert local.DEBUG is False
    assert local.WHITENOISE_USE_FINDERS is True


def test_the_500_page_falls_back_to_plain_french_if_its_template_fails(settings: Any) -> None:
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}
    ]  # no 500.html anywhere
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Le service a rencontré un problème" in body
    assert "Traceback" not in body

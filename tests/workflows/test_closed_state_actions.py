"""Actions that can no longer do anything are not offered: the page says why instead, and a
forged request is refused with a French message (never a 5xx)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune
from reviewers.models import ConflictDeclaration
from tests.workflows.application_helpers import submitted_application
from tests.workflows.conftest import submit_first_contact
from tests.workflows.test_selection_pages import NOTE, agenda_url, scores_data, scoring_url
from tests.workflows.test_selection_pages import instruct as write_instruction_note
from workflows.journey.services import journey_withdraw
from workflows.models import Application, DossierMessage, Mandate

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructed(client: Client, on_agenda: Application, mel_staff: User) -> Application:
    """On the agenda, instruction note written: every member has a scoring open."""
    assert write_instruction_note(client, mel_staff, on_agenda, note=NOTE).status_code == 302
    on_agenda.refresh_from_db()
    return on_agenda


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_submitted_application_offers_no_mandate_says_why_and_refuses_a_forged_one(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    client.force_login(application.holder.user)
    detail = reverse("workflows:application_detail", args=[application.pk])
    page = _text(client.get(detail))
    assert "Donner mandat" not in page
    assert "n'est plus modifiable à cette étape" in page

    forged = client.post(reverse("workflows:application_mandate", args=[application.pk]))
    assert forged.status_code == 302
    assert "un mandat n'aurait plus d'objet" in _messages(forged)
    assert not Mandate.objects.filter(application=application).exists()


def test_a_member_who_scored_is_not_offered_to_withdraw_and_a_forged_one_is_refused(
    client: Client, instructed: Application, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    client.force_login(committee_member)
    assert client.post(url, scores_data(instructed)).status_code == 302

    page = _text(client.get(url))
    assert "Je me déporte" not in page
    assert "Écrivez à l'équipe de la MEL, qui retirera votre note" in page
    agenda = _text(client.get(agenda_url(instructed)))
    assert "Déclarer un conflit d'intérêts" not in agenda

    forged = client.post(reverse("workflows:conflict_declare", args=[instructed.pk]))
    assert forged.status_code == 302
    assert "Vous avez déjà rendu votre notation" in _messages(forged)
    assert not ConflictDeclaration.objects.exists()


def test_a_withdrawn_journey_takes_no_new_message_and_says_so(
    client: Client, roubaix: Commune, mel_staff: User
) -> None:
    journey = submit_first_contact(client, roubaix)
    holder = journey.holder.user
    journey_withdraw(journey=journey, actor=holder, reason="Projet abandonné.")
    url = reverse("workflows:journey_detail", args=[journey.pk])
    post_url = reverse("workflows:message_post", args=[journey.pk])

    for user in (holder, mel_staff):
        client.force_login(user)
        page = _text(client.get(url))
        assert post_url not in page
        assert "Ce projet a été retiré : la messagerie est fermée." in page
        forged = client.post(post_url, {"body": "Toujours là ?"})
        assert forged.status_code == 302
        assert "Votre message n'a pas été envoyé." in _messages(forged)
    assert not DossierMessage.objects.filter(journey=journey).exists()


def test_an_open_journey_still_takes_messages(client: Client, roubaix: Commune) -> None:
    journey = submit_first_contact(client, roubaix)
    client.force_login(journey.holder.user)
    sent = client.post(
        reverse("workflows:message_post", args=[journey.pk]), {"body": "Une question."}
    )
    assert "Votre message est envoyé." in _messages(sent)
    assert DossierMessage.objects.filter(journey=journey).count() == 1

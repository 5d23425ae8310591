"""Triage works with what it needs: the person's contact details for staff and for the
organisation they are oriented to, the internal note shown to those allowed to read it, a
decision nobody makes by default, and a refusal outside the MEL that says where to go."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune
from notifications.catalogue import Event
from notifications.models import Notification
from tests.workflows.conftest import act, first_contact_data, open_task, submit_first_contact
from workflows.models import Journey, JourneyStage

pytestmark = pytest.mark.django_db

NOTE = "Très motivée, a déjà un local en vue."


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _triage_url(journey: Journey) -> str:
    return reverse("workflows:task", args=[open_task(journey, "triage").pk])


def test_the_triage_page_shows_how_to_reach_the_person_and_forces_a_decision(
    client: Client, roubaix: Commune, mel_staff: User
) -> None:
    journey = submit_first_contact(client, roubaix, address="12 rue de Lannoy")
    client.force_login(mel_staff)
    page = _text(client.get(_triage_url(journey)))
    assert "mailto:nadia@example.org" in page
    assert "06 11 22 33 44" in page
    assert "12 rue de Lannoy, 59100 Roubaix" in page
    assert "Ne pas orienter" not in page
    assert "checked" not in page.split("Que proposez-vous")[1].split("</fieldset>")[0]

    refused = client.post(_triage_url(journey), {"note": NOTE})
    assert refused.status_code == 200
    assert "Choisissez d'orienter la personne vers une structure ou de la réorienter" in _text(
        refused
    )
    assert NOTE in _text(refused)
    no_structure = client.post(_triage_url(journey), {"decision": "orient"})
    assert "Choisissez la structure d'accompagnement." in _text(no_structure)
    no_reason = client.post(_triage_url(journey), {"decision": "redirect"})
    assert "Indiquez pourquoi vous réorientez la personne ailleurs." in _text(no_reason)
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.TRIAGE


def test_the_oriented_organisation_gets_the_contact_and_the_note_is_shown_as_the_policy_says(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    response = act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk, "note": NOTE},
    )
    assert response.status_code == 302
    notice = Notification.objects.get(
        recipient=incubator_x_member, event=Event.ORIENTATION_PROPOSED
    )
    assert "nadia@example.org" in notice.body
    assert "06 11 22 33 44" in notice.body

    client.force_login(incubator_x_member)
    answer = _text(
        client.get(reverse("workflows:task", args=[open_task(journey, "orientation").pk]))
    )
    assert "mailto:nadia@example.org" in answer
    journey_url = reverse("workflows:journey_detail", args=[journey.pk])
    assert NOTE not in _text(client.get(journey_url))  # proposed, not yet supporting

    client.force_login(mel_staff)
    assert NOTE in _text(client.get(journey_url))
    client.force_login(journey.holder.user)
    holder_page = _text(client.get(journey_url))
    assert NOTE not in holder_page
    assert "Contacter la personne" not in holder_page

    act(client, incubator_x_member, open_task(journey, "orientation"), {"answer": "accept"})
    client.force_login(incubator_x_member)
    supporting = _text(client.get(journey_url))
    assert NOTE in supporting
    assert "mailto:nadia@example.org" in supporting


def test_the_out_of_mel_refusal_gives_the_places_to_turn_to_with_links(
    client: Client, roubaix: Commune, settings: Any
) -> None:
    settings.OUTSIDE_MEL_LINKS = [
        ("CRESS Hauts-de-France", "https://www.cress-hdf.org/", "oriente les projets")
    ]
    refused = client.post(
        reverse("workflows:first_contact"), first_contact_data(roubaix, commune="hors-mel")
    )
    assert refused.status_code == 200
    page = _text(refused)
    assert "ne fait pas partie de la Métropole Européenne de Lille" in page
    assert '<a href="https://www.cress-hdf.org/">CRESS Hauts-de-France</a>' in page
    assert not Journey.objects.exists()


def test_a_project_outside_the_mel_is_proposed_for_redirection_with_the_links(
    client: Client, roubaix: Commune, mel_staff: User, settings: Any
) -> None:
    settings.OUTSIDE_MEL_LINKS = [
        ("CRESS Hauts-de-France", "https://www.cress-hdf.org/", "oriente les projets")
    ]
    journey = submit_first_contact(client, roubaix)
    Commune.objects.filter(pk=roubaix.pk).update(epci_siren="200000000")  # left the MEL
    client.force_login(mel_staff)
    page = _text(client.get(_triage_url(journey)))
    assert "Roubaix ne fait pas partie de la MEL." in page
    assert "CRESS Hauts-de-France (oriente les projets) : https://www.cress-hdf.org/" in page

    guidance = "CRESS Hauts-de-France : https://www.cress-hdf.org/"
    act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "redirect", "redirect_reason": "Hors MEL.", "redirect_guidance": guidance},
    )
    client.force_login(journey.holder.user)
    shown = _text(client.get(reverse("workflows:journey_detail", args=[journey.pk])))
    assert '<a href="https://www.cress-hdf.org/"' in shown
    told = Notification.objects.get(recipient=journey.holder.user, event=Event.JOURNEY_OUTCOME)
    assert "https://www.cress-hdf.org/" in told.body


def test_a_structure_without_active_members_is_flagged_in_the_triage_list(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_y: Organisation,
    incubator_y_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    client.force_login(mel_staff)
    page = _text(client.get(_triage_url(journey)))
    assert f"{incubator_x.name} (aucun membre actif pour répondre)" in page
    assert f"{incubator_y.name} (aucun membre" not in page

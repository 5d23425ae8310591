"""An advance waiting for the structure's IBAN has an owner: MEL staff ask the holder for the
bank details with a deadline, the holder sees it on their home and in their tasks, gives them
on a page only they (or staff) may use, and staff are told the advance can be paid."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from funding.models import BankDetailsRequest
from notifications.catalogue import Event
from notifications.models import Notification
from tests.workflows.test_award_pages import (
    IBAN,
    _granted,
    _messages,
    _post_step,
    _step_url,
    _text,
)
from workflows.calendar import add_working_days
from workflows.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db

REQUEST = "workflows:bank_details_request"
PAGE = "workflows:bank_details"


def _awaiting_iban(client: Client, application: Application, staff: User, member: User) -> str:
    """Granted, notified without convention: the advance step is open, waiting for the IBAN."""
    _granted(client, application, staff, member)
    assert _post_step(client, staff, application, "convention", {"waived": "on"}).status_code == 302
    return _step_url(application, "advance")


def test_staff_ask_the_holder_sees_the_deadline_gives_the_iban_and_the_advance_is_paid(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User, settings: Any
) -> None:
    settings.BANK_DETAILS_DEADLINE_WORKING_DAYS = 10
    advance_url = _awaiting_iban(client, on_agenda, mel_staff, financier_member)
    holder = on_agenda.holder.user

    client.force_login(mel_staff)
    page = _text(client.get(advance_url))
    assert "C'est au porteur ou à la porteuse du projet de les indiquer." in page
    assert "Demander les coordonnées bancaires" in page
    asked = client.post(reverse(REQUEST, args=[on_agenda.pk]))
    assert asked.status_code == 302
    assert asked["Location"] == advance_url
    request = BankDetailsRequest.objects.get(application=on_agenda)
    assert request.due_on == timezone.localdate(add_working_days(request.requested_at, 10))
    told = Notification.objects.get(recipient=holder, event=Event.BANK_DETAILS_REQUESTED)
    assert f"{request.due_on:%d/%m/%Y}" in told.subject
    assert told.link == reverse(PAGE, args=[on_agenda.pk])
    assert "réponse attendue avant le" in _text(client.get(advance_url))

    client.force_login(holder)
    home = _text(client.get(reverse("home")))
    assert "Rien en attente" not in home
    assert "Indiquer les coordonnées bancaires" in home
    assert reverse(PAGE, args=[on_agenda.pk]) in home
    assert "Indiquer les coordonnées bancaires" in _text(client.get(reverse("workflows:inbox")))
    dossier = _text(client.get(reverse("workflows:application_detail", args=[on_agenda.pk])))
    assert "À faire :" in dossier

    wrong = client.post(reverse(PAGE, args=[on_agenda.pk]), {"iban": "FR76 1234", "bic": ""})
    assert wrong.status_code == 200
    assert "un IBAN français compte 27 caractères" in _text(wrong)
    assert 'value="FR76 1234"' in _text(wrong)  # what was typed is kept
    spaced = " ".join(IBAN[i : i + 4] for i in range(0, len(IBAN), 4))
    given = client.post(reverse(PAGE, args=[on_agenda.pk]), {"iban": spaced, "bic": "ccopfrpp"})
    assert given.status_code == 302
    structure = on_agenda.project.structure
    structure.refresh_from_db()
    assert (structure.iban, structure.bic) == (IBAN, "CCOPFRPP")
    request.refresh_from_db()
    assert request.answered_by == holder
    assert request.answered_at is not None
    assert "Indiquer les coordonnées bancaires" not in _text(client.get(reverse("home")))
    assert Notification.objects.filter(
        recipient=mel_staff, event=Event.BANK_DETAILS_RECEIVED
    ).exists()
    told_staff = Notification.objects.filter(event=Event.BANK_DETAILS_RECEIVED).count()
    events = on_agenda.events.count()
    again = client.post(reverse(PAGE, args=[on_agenda.pk]), {"iban": spaced, "bic": "ccopfrpp"})
    assert again.status_code == 302  # a double click: the same details, nothing told twice
    assert Notification.objects.filter(event=Event.BANK_DETAILS_RECEIVED).count() == told_staff
    assert on_agenda.events.count() == events

    client.force_login(mel_staff)
    page = _text(client.get(advance_url))
    assert "disabled" not in page.split("Versement de l'avance</h2>")[1]
    assert client.post(advance_url, {"action": "release"}).status_code == 302
    on_agenda.refresh_from_db()
    assert on_agenda.stage == ApplicationStatus.FOLLOW_UP


def test_asking_again_before_the_deadline_is_refused_after_it_is_a_reminder(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    _awaiting_iban(client, on_agenda, mel_staff, financier_member)
    client.force_login(mel_staff)
    url = reverse(REQUEST, args=[on_agenda.pk])
    client.post(url)
    again = client.post(url)
    assert "déjà demandées" in _messages(again)
    assert BankDetailsRequest.objects.filter(application=on_agenda).count() == 1

    BankDetailsRequest.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    advance = _text(client.get(_step_url(on_agenda, "advance")))
    assert "délai dépassé" in advance
    assert "Relancer pour les coordonnées bancaires" in advance
    assert client.post(url).status_code == 302
    assert BankDetailsRequest.objects.filter(application=on_agenda).count() == 2
    assert Notification.objects.filter(event=Event.BANK_DETAILS_REQUESTED).count() == 2


def test_only_the_holder_or_staff_give_bank_details_and_only_staff_ask(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    financier_member: User,
    incubator_x_member: User,
    applicant_b: User,
    financier_f: Organisation,
) -> None:
    _awaiting_iban(client, on_agenda, mel_staff, financier_member)
    page = reverse(PAGE, args=[on_agenda.pk])
    data = {"iban": IBAN, "bic": ""}
    for outsider, status in (
        (applicant_b, 404),  # may not even see the dossier
        (financier_member, 403),  # sees the dossier, never its bank details
        (incubator_x_member, 403),
    ):
        client.force_login(outsider)
        assert client.get(page).status_code == status
        assert client.post(page, data).status_code == status
    on_agenda.project.structure.refresh_from_db()
    assert on_agenda.project.structure.iban == ""

    client.force_login(on_agenda.holder.user)
    assert client.post(reverse(REQUEST, args=[on_agenda.pk])).status_code == 403
    assert not BankDetailsRequest.objects.exists()

    client.force_login(mel_staff)  # from a RIB received by post
    assert client.post(page, data).status_code == 302
    on_agenda.project.structure.refresh_from_db()
    assert on_agenda.project.structure.iban == IBAN
    nothing = client.post(reverse(REQUEST, args=[on_agenda.pk]))
    assert "Aucun versement n'attend" in _messages(nothing)

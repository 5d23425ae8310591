"""What the person is told at each step of their dossier: the acknowledgement of their first
contact, their support organisation when oriented, and each decision, once each, with a
link to the exact page and the deadline in words."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune
from funding.models import FundingLine
from funding.services.lines import funding_line_decide
from notifications.catalogue import Event
from notifications.models import Notification
from reviewers.models import Outcome
from tests.workflows.conftest import (
    act,
    open_task,
    send_and_confirm,
    submit_first_contact,
)
from tests.workflows.stage_helpers import (
    deliberate,
    eligible_application,
    hold_session,
    instruct,
    open_task_of,
    schedule_session,
    set_grant_financier,
)
from workflows.calendar import add_working_days, day_in_words
from workflows.engine import task_perform
from workflows.models import Journey

pytestmark = pytest.mark.django_db


def _rows(event: Event) -> list[Notification]:
    return list(Notification.objects.filter(event=event).select_related("recipient"))


def test_day_in_words_is_written_as_people_write_it() -> None:
    import datetime

    assert day_in_words(datetime.date(2027, 3, 23)) == "mardi 23\u00a0mars\u00a02027"
    assert day_in_words(datetime.date(2027, 2, 1)) == "lundi 1er\u00a0février\u00a02027"


def test_a_first_contact_is_acknowledged_once_to_the_email_given_with_the_delay(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        send_and_confirm(client, roubaix)
        # A double click sends the same words again: still one acknowledgement.
        send_and_confirm(client, roubaix)
    [row] = _rows(Event.FIRST_CONTACT_ACKNOWLEDGED)
    journey = Journey.objects.get()
    assert row.recipient.email == "nadia@example.org"
    assert row.link == reverse("workflows:journey_detail", args=[journey.pk])
    due = day_in_words(add_working_days(timezone.now(), 5)).replace("\u00a0", " ")
    assert row.subject == f"Nous avons bien reçu votre demande : la MEL vous répond d'ici le {due}"
    assert "sous 5 jours ouvrés" in row.body
    [sent] = [m for m in mail.outbox if m.to == ["nadia@example.org"]]
    assert f"/parcours/{journey.pk}/" in sent.body

    # Other words on the same journey: acknowledged once more, as added to it.
    with django_capture_on_commit_callbacks(execute=True):
        send_and_confirm(client, roubaix, needs="Et aussi un local plus grand.")
    again = _rows(Event.FIRST_CONTACT_ACKNOWLEDGED)
    assert len(again) == 2
    assert any("ajoutée à votre projet" in row.body for row in again)


def test_a_contact_found_by_siret_from_another_email_is_not_told_of_the_journey(
    client: Client, roubaix: Commune, mel_staff: User
) -> None:
    call_command("load_programme_rules", verbosity=0)  # the legal forms
    submit_first_contact(client, roubaix, structure_name="Asso", siret="35600000000048")
    # Confirmed by its own author: still not told of a journey that is not theirs.
    send_and_confirm(
        client, roubaix, email="autre@example.org", structure_name="Asso", siret="35600000000048"
    )
    told = {row.recipient.email for row in _rows(Event.FIRST_CONTACT_ACKNOWLEDGED)}
    assert told == {"nadia@example.org"}


def test_the_holder_is_told_who_supports_them_how_to_reach_them_and_what_next(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    incubator_x.email, incubator_x.phone = "contact@incubateur-x.example.org", "03 20 00 00 00"
    incubator_x.save()
    journey = submit_first_contact(client, roubaix)
    act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk},
    )
    assert not _rows(Event.JOURNEY_ORIENTED)  # proposed is not yet oriented
    act(client, incubator_x_member, open_task(journey, "orientation"), {"answer": "accept"})
    [row] = _rows(Event.JOURNEY_ORIENTED)
    assert row.recipient_id == journey.holder_id
    assert row.link == reverse("workflows:journey_detail", args=[journey.pk])
    assert row.subject.startswith(f"{incubator_x.name} vous accompagne")
    assert "contact@incubateur-x.example.org" in row.body
    assert "03 20 00 00 00" in row.body
    assert "premier rendez-vous" in row.body
    # Staff hear of the answer; the holder is not told twice.
    answered = _rows(Event.ORIENTATION_ANSWERED)
    assert journey.holder_id not in {row.recipient_id for row in answered}
    assert mel_staff.pk in {row.recipient_id for row in answered}


def test_each_decision_reaches_the_holder_once_with_a_link_to_the_dossier(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    schedule_session(committee)
    set_grant_financier(financier_f)
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    holder = application.holder.user
    detail = reverse("workflows:application_detail", args=[application.pk])
    for event in (Event.APPLICATION_COMPLETE, Event.APPLICATION_ELIGIBLE):
        [row] = _rows(event)
        assert (row.recipient, row.link) == (holder, detail)
    assert "prochaine étape" in _rows(Event.APPLICATION_ELIGIBLE)[0].subject

    instruct(application, mel_staff)
    hold_session(application)
    deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(9000))
    line = FundingLine.objects.get(dossier=application)
    task_perform(
        task=open_task_of(line),
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(9000)
        ),
    )
    [decided] = _rows(Event.FINANCIER_DECISION)
    assert decided.recipient == holder
    assert decided.link == detail
    # (The outbox folds every space of a subject into a plain one.)
    assert decided.subject == f"{financier_f.name} a décidé : 9 000,00 € accordés"
    [ready] = _rows(Event.CONVENTION_READY)
    assert ready.recipient == holder
    assert "IBAN" in ready.subject
    assert "IBAN" in ready.body


def test_complements_name_the_deadline_in_words_and_link_to_the_form(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    import datetime

    from django.utils import timezone

    from tests.workflows.application_helpers import staff_step, submitted_application

    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    staff_step(
        client,
        mel_staff,
        application,
        "completeness",
        {"decision": "complements", "items": ["jobs_planned_fte"], "message": "Les ETP."},
    )
    [row] = _rows(Event.COMPLEMENTS_REQUESTED)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    assert row.subject.endswith(f"avant le {day_in_words(deadline)}".replace("\u00a0", " "))
    assert f"{deadline:%d/%m/%Y}" in row.body
    assert row.link == reverse("workflows:application_edit", args=[application.pk])
    assert not _rows(Event.APPLICATION_COMPLETE)

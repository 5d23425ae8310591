"""Who is told what along the journey: recipients resolved from roles and organisations,
the e-mail links to the exact page, and MEL staff see on the dossier what was sent."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.models import Organisation, User
from applicants.models import Commune
from funding.models import FundingLine
from funding.services.lines import funding_line_decide
from notifications.catalogue import Event
from notifications.models import Notification
from reviewers.models import Outcome
from tests.workflows.application_helpers import staff_step, submitted_application
from tests.workflows.stage_helpers import (
    add_member,
    deliberate,
    eligible_application,
    hold_session,
    instruct,
    open_task_of,
    schedule_session,
    set_grant_financier,
)
from workflows.engine import task_perform

pytestmark = pytest.mark.django_db

NOTE = "Projet solide, équipe expérimentée ; budget réaliste et cofinancements sollicités."


def _told(event: Event) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("recipient__email", flat=True))


def test_first_contact_tells_every_mel_staff_member_and_acknowledges_it_to_the_person(
    client: Client,
    roubaix: Commune,
    mel_team: Organisation,
    mel_staff: User,
    incubator_x_member: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from tests.workflows.conftest import confirmation_url, first_contact_data
    from workflows.journey.confirmation import SUBJECT

    colleague = add_member(mel_team, "collegue@mel.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workflows:first_contact"), first_contact_data(roubaix))
    assert not Notification.objects.exists()  # nobody is told before the link is followed
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(confirmation_url("nadia@example.org")).status_code == 200
    assert _told(Event.FIRST_CONTACT_RECEIVED) == {mel_staff.email, colleague.email}
    assert _told(Event.FIRST_CONTACT_ACKNOWLEDGED) == {"nadia@example.org"}
    [link_mail] = [m for m in mail.outbox if m.subject == SUBJECT]
    assert link_mail.to == ["nadia@example.org"]
    assert sorted(m.to[0] for m in mail.outbox if m.subject != SUBJECT) == sorted(
        [mel_staff.email, colleague.email, "nadia@example.org"]
    )
    to_staff = next(m for m in mail.outbox if m.to == [mel_staff.email])
    assert "Nouveau premier contact : Cantine solidaire" in to_staff.subject
    assert "/parcours/" in to_staff.body


def test_complements_reach_the_holder_with_the_deadline_and_a_link(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_step(
            client,
            mel_staff,
            application,
            "completeness",
            {"decision": "complements", "items": ["jobs_planned_fte"], "message": "Les ETP."},
        )
    holder = application.holder.user
    assert [m.to for m in mail.outbox] == [[holder.email]]
    body = mail.outbox[0].body
    assert "Les ETP." in body
    assert f"/candidatures/{application.pk}/" in body
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    assert f"{deadline:%d/%m/%Y}" in body


def test_committee_members_financiers_and_holder_are_each_told_their_part(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
    applicant_b: User,
) -> None:
    schedule_session(committee)
    set_grant_financier(financier_f)
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    holder = application.holder.user
    conflicted = add_member(committee, "conflit@comite.example.org")
    from reviewers.services.selection import conflict_declare

    conflict_declare(application=application, member=conflicted)
    instruct(application, mel_staff)
    assert _told(Event.ON_AGENDA) == {holder.email}
    assert _told(Event.SCORING_DUE) == {committee_member.email}  # not the conflicted member
    hold_session(application)
    deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(9000))
    assert _told(Event.DECISION) == {holder.email, incubator_x_member.email}
    assert _told(Event.FUNDING_LINE_TO_SIGN) == {financier_member.email}
    line = FundingLine.objects.get(dossier=application)
    task_perform(
        task=open_task_of(line),
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(9000)
        ),
    )
    assert _told(Event.FUNDING_LINE_DECIDED) == {mel_staff.email}
    assert applicant_b.email not in set(
        Notification.objects.values_list("recipient__email", flat=True)
    )

    detail = reverse("workflows:application_detail", args=[application.pk])
    client.force_login(mel_staff)
    page = client.get(detail).content.decode()
    assert "Notifications envoyées" in page
    assert "Avis du comité sur" in page
    client.force_login(holder)
    assert "Notifications envoyées" not in client.get(detail).content.decode()


def test_a_late_report_reminds_the_holder_then_alerts_the_programme_lead(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    from tests.workflows.stage_helpers import fund_and_advance

    schedule_session(committee)
    set_grant_financier(financier_f)
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = fund_and_advance(application, mel_staff, financier_member)
    holder = application.holder.user

    def fire() -> None:
        Task.objects.filter(process_id=application.pk, status=STATUS.SCHEDULED).update(
            scheduled=timezone.now() - datetime.timedelta(seconds=1)
        )
        fire_due_timers()

    fire()
    assert _told(Event.REPORT_DUE) == {holder.email}
    fire()
    assert _told(Event.REPORT_LATE) == {holder.email}
    fire()
    assert _told(Event.REPORT_ESCALATED) == {mel_staff.email}  # the lead of the MEL team


def test_a_message_tells_the_other_side_and_a_withdrawal_tells_those_handling_it(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    from tests.workflows.conftest import act, open_task, submit_first_contact
    from workflows.journey.messaging import message_send
    from workflows.journey.services import journey_withdraw

    journey = submit_first_contact(client, roubaix)
    act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk},
    )
    act(client, incubator_x_member, open_task(journey, "orientation"), {"answer": "accept"})
    journey.refresh_from_db()
    holder = journey.holder.user
    message_send(journey=journey, author=holder, body="Bonjour, une question sur le budget.")
    assert _told(Event.NEW_MESSAGE) == {incubator_x_member.email}
    message_send(journey=journey, author=incubator_x_member, body="Je vous rappelle demain.")
    assert _told(Event.NEW_MESSAGE) == {incubator_x_member.email, holder.email}
    journey_withdraw(journey=journey, actor=holder, reason="Je déménage.")
    assert _told(Event.WITHDRAWN) == {mel_staff.email, incubator_x_member.email}


def test_a_big_grant_asks_the_colleagues_of_the_first_signer_to_countersign(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
    settings: Any,
) -> None:
    from workflows.application.services import application_withdraw

    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 5000
    schedule_session(committee)
    set_grant_financier(financier_f)
    colleague = add_member(financier_f, "directrice@financeur-f.example.org")
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    instruct(application, mel_staff)
    # A second dossier, withdrawn while on the agenda: its scorer is told to stop.
    other = eligible_application(
        client, roubaix, mel_staff, incubator_x, incubator_x_member, email="autre@example.org"
    )
    instruct(other, mel_staff)
    application_withdraw(application=other, actor=other.holder.user, reason="Reporté.")
    assert _told(Event.SCORING_CANCELLED) == {committee_member.email}

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
    assert _told(Event.COUNTERSIGN_DUE) == {colleague.email}  # not the first signer

"""The outbox: written with the change, delivered after commit, once; read in the
notification centre by its recipient only; a digest for those who chose it."""

from __future__ import annotations

import datetime
import smtplib
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import membership_add
from applicants.models import Commune
from notifications.catalogue import CATALOGUE, Event
from notifications.delivery import deliver_one, deliver_pending, pending_for_relay, send_digests
from notifications.models import MailState, Notification
from notifications.services import Message, notify, preference_set
from tests.conftest import login
from tests.factories.accounts import UserFactory
from tests.workflows.conftest import confirmation_url, first_contact_data, submit_first_contact

pytestmark = pytest.mark.django_db


def _message(occurrence: str = "1", event: Event = Event.DECISION) -> Message:
    return Message(
        event=event,
        link="/candidatures/1/",
        dossier_ref="workflows.application:1",
        occurrence=occurrence,
        context={"title": "Cantine solidaire", "outcome": "avis favorable", "amount": "9 000 €"},
    )


def test_every_event_of_the_catalogue_renders_in_french(applicant_a: User) -> None:
    context = {
        "title": "Cantine",
        "organisation": "Incubateur X",
        "session_date": "15/03/2027",
        "due_on": "01/06/2027",
        "deadline": "01/04/2027",
        "amount": "9 000 €",
        "message": "Le budget.",
        "notice": "Dossier clos.",
        "detail": "Votre accompagnement est terminé.",
        "outcome": "prêt à candidater",
        "first_signer": "Camille",
        "threshold": "15 000 €",
    }
    for event in Event:
        assert event in CATALOGUE
        message = Message(event=event, link="/", dossier_ref="x:1", occurrence="1", context=context)
        assert notify(message=message, recipient_ids=[applicant_a.pk]) == 1
    rows = Notification.objects.filter(recipient=applicant_a)
    assert rows.count() == len(Event)
    for row in rows:
        assert row.subject
        assert row.body
        assert "{{" not in row.subject + row.body


def test_a_rolled_back_change_sends_nothing(
    applicant_a: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            notify(message=_message(), recipient_ids=[applicant_a.pk])
            raise RuntimeError("the change fails after the notification was written")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_that_fails()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_delivered_after_commit_once_with_a_stable_message_id(
    applicant_a: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(message=_message(), recipient_ids=[applicant_a.pk])
        notify(message=_message(), recipient_ids=[applicant_a.pk])  # same occurrence: once
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    row = Notification.objects.get()
    assert sent.to == [applicant_a.email]
    assert sent.subject == "Avis du comité sur « Cantine solidaire »"
    assert sent.extra_headers["Message-ID"] == row.message_id
    assert "http://127.0.0.1:8000/candidatures/1/" in sent.body
    assert isinstance(sent, EmailMultiAlternatives)
    assert "Voir le dossier" in str(sent.alternatives[0][0])
    assert row.mail_state == MailState.SENT
    assert deliver_pending(key_prefix=_message().key_prefix()) == (0, 0)  # again: nothing
    assert len(mail.outbox) == 1


def test_a_mail_server_outage_keeps_the_row_with_a_growing_delay_then_fails_it(
    applicant_a: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    notify(message=_message(), recipient_ids=[applicant_a.pk])
    row = Notification.objects.get()

    def refuse(self: Any, *args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("le serveur a coupé")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    delays = []
    for _attempt in range(2):
        assert deliver_one(row.pk) is False  # recorded, never raised
        row.refresh_from_db()
        assert row.mail_state == MailState.PENDING
        assert row.next_attempt_at is not None
        delays.append(row.next_attempt_at - timezone.now())
    assert delays[1] > delays[0]  # backing off
    assert pending_for_relay() == []  # not due yet: no task piles up during the outage
    deliver_one(row.pk)
    row.refresh_from_db()
    assert (row.mail_state, row.mail_attempts) == (MailState.FAILED, 3)
    assert "le serveur a coupé" in row.last_error


def test_a_refused_address_fails_at_once(
    applicant_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    notify(message=_message(), recipient_ids=[applicant_a.pk])

    def refuse(self: Any, *args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({applicant_a.email: (550, b"unknown user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert deliver_pending(key_prefix=_message().key_prefix()) == (0, 0)
    row = Notification.objects.get()
    assert (row.mail_state, row.mail_attempts) == (MailState.FAILED, 1)


def test_subjects_keep_apostrophes_and_ampersands(applicant_a: User) -> None:
    message = Message(
        event=Event.DECISION,
        link="/",
        dossier_ref="x:1",
        occurrence="1",
        context={"title": "L'épicerie & Cie", "outcome": "favorable"},
    )
    notify(message=message, recipient_ids=[applicant_a.pk])
    assert Notification.objects.get().subject == "Avis du comité sur « L'épicerie & Cie »"


def test_the_relay_picks_up_rows_left_pending(applicant_a: User, settings: Any) -> None:
    settings.NOTIFICATIONS_RELAY_AFTER_SECONDS = 0
    notify(message=_message(), recipient_ids=[applicant_a.pk])  # no commit hook ran here
    ids = pending_for_relay()
    assert ids == [Notification.objects.get().pk]
    assert deliver_pending(ids=ids) == (1, 0)
    assert pending_for_relay() == []


def test_staff_on_the_daily_digest_get_one_mail_but_actions_still_come_at_once(
    mel_staff: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    preference_set(user_id=mel_staff.pk, mode="digest")
    with django_capture_on_commit_callbacks(execute=True):
        notify(message=_message("1"), recipient_ids=[mel_staff.pk])
        notify(message=_message("2"), recipient_ids=[mel_staff.pk])
        notify(message=_message("3", Event.FUNDING_LINE_TO_SIGN), recipient_ids=[mel_staff.pk])
    assert [m.subject for m in mail.outbox] == ["Financement à décider : Cantine solidaire"]
    assert send_digests() == 1
    digest = mail.outbox[-1]
    assert digest.subject == "Votre récapitulatif : 2 nouveauté(s)"
    assert digest.body.count("Avis du comité") == 2
    assert send_digests() == 0


def test_the_centre_shows_ones_own_notifications_and_marks_them_read(
    client: Client, applicant_a: User, applicant_b: User
) -> None:
    notify(message=_message(), recipient_ids=[applicant_a.pk, applicant_b.pk])
    mine = Notification.objects.get(recipient=applicant_a)
    theirs = Notification.objects.get(recipient=applicant_b)
    login(client, applicant_a)
    page = client.get(reverse("notifications:list"))
    assert page.context["page"].paginator.count == 1
    body = page.content.decode()
    assert 'aria-label="1 notification non lue"' in body
    assert "1 notification, dont 1 non lue." in body
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/candidatures/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:preferences")).status_code == 403  # applicants
    assert client.post(reverse("notifications:resend", args=[mine.pk])).status_code == 403


def test_staff_resend_from_the_dossier(
    client: Client, mel_staff: User, applicant_a: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:  # fmt: skip
    notify(message=_message(), recipient_ids=[applicant_a.pk])
    row = Notification.objects.get()
    login(client, mel_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:resend", args=[row.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(key__startswith=f"resend:{row.pk}:").count() == 1
    assert [m.to for m in mail.outbox] == [[applicant_a.email]]


def test_a_notifying_request_costs_the_same_for_1_and_500_recipients(
    client: Client, roubaix: Commune, mel_team: Organisation
) -> None:
    def staff(count: int) -> None:
        for _ in range(count):
            membership_add(organisation=mel_team, user=UserFactory.create())

    def first_contact(n: int) -> int:
        """The queries of the confirmation (the moment the contact is recorded and told)."""
        email = f"porteur{n}@example.org"
        data = first_contact_data(roubaix, email=email)
        assert client.post(reverse("workflows:first_contact"), data).status_code == 200
        link = confirmation_url(email)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(link).status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        if connection.vendor == "sqlite":
            # SQLite takes at most 999 parameters per statement, so Django splits one bulk
            # insert into batches there; everything else must stay the same.
            sql = [q for q in sql if not q.startswith('INSERT OR IGNORE INTO "notifications_')]
        return len(sql)

    staff(1)
    first_contact(0)  # warm-up: caches of content types and permissions
    one = first_contact(1)
    staff(499)
    five_hundred = first_contact(2)
    assert one == five_hundred
    assert Notification.objects.filter(event=Event.FIRST_CONTACT_RECEIVED).count() == 1 + 1 + 500


def test_the_embedded_scheduler_fires_due_timers_and_relays_the_outbox(
    client: Client, roubaix: Commune, mel_staff: User, settings: Any
) -> None:
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from workflows.embedded import tick
    from workflows.models import EventKind

    settings.NOTIFICATIONS_RELAY_AFTER_SECONDS = 0
    journey = submit_first_contact(client, roubaix)
    Task.objects.filter(process_id=journey.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    tick(last_digest=timezone.localdate())  # no digest in this round
    assert journey.events.filter(kind=EventKind.ESCALATED).exists()
    subjects = sorted(m.subject for m in mail.outbox)
    # No link for the first contact: it is already confirmed (its request was lost here, as
    # no commit hook runs, and the relay does not send a link that has served).
    assert subjects[0] == "Délai de tri dépassé : Cantine solidaire"
    assert subjects[1].startswith("Nous avons bien reçu votre demande")  # to the person
    assert subjects[2] == "Nouveau premier contact : Cantine solidaire"
    assert len(subjects) == 3
    assert not Notification.objects.exclude(mail_state=MailState.SENT).exists()


def test_back_to_immediate_sends_what_waited_for_the_digest(
    mel_staff: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    preference_set(user_id=mel_staff.pk, mode="digest")
    notify(message=_message("1"), recipient_ids=[mel_staff.pk])
    assert Notification.objects.get().mail_state == MailState.DIGEST
    with django_capture_on_commit_callbacks(execute=True):
        preference_set(user_id=mel_staff.pk, mode="immediate")
    assert Notification.objects.get().mail_state == MailState.SENT
    assert [m.subject for m in mail.outbox] == ["Avis du comité sur « Cantine solidaire »"]


def test_one_refused_digest_never_holds_back_the_others(
    mel_staff: User, mel_team: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = UserFactory.create(email="autre@mel.example.org")
    membership_add(organisation=mel_team, user=other)
    gone = UserFactory.create(email="parti@mel.example.org", is_active=False)
    for user in (mel_staff, other, gone):
        preference_set(user_id=user.pk, mode="digest")
    notify(message=_message("1"), recipient_ids=[mel_staff.pk, other.pk, gone.pk])
    real_send = EmailMultiAlternatives.send

    def refuse_first(self: Any, *args: Any, **kwargs: Any) -> int:
        if self.to == [mel_staff.email]:
            raise smtplib.SMTPRecipientsRefused({mel_staff.email: (550, b"full")})
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_first)
    assert send_digests() == 1
    assert [m.to for m in mail.outbox] == [[other.email]]  # not the inactive one
    states = dict(Notification.objects.values_list("recipient_id", "mail_state"))
    assert states == {
        mel_staff.pk: MailState.DIGEST,  # kept for tomorrow, with the error recorded
        other.pk: MailState.SENT,
        gone.pk: MailState.FAILED,
    }


def test_a_large_fan_out_is_requested_batch_by_batch_so_every_worker_takes_a_share(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from notifications import tasks
    from notifications.delivery import BATCH

    recipients = sorted(u.pk for u in UserFactory.create_batch(2 * BATCH + 3))
    requested: list[dict[str, Any]] = []
    monkeypatch.setattr(
        tasks.deliver_batch, "apply_async", lambda kwargs, **_: requested.append(kwargs)
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(message=_message("gros envoi"), recipient_ids=recipients)
    spans = [request["recipients"] for request in requested]
    assert spans == [
        [recipients[0], recipients[BATCH - 1]],
        [recipients[BATCH], recipients[2 * BATCH - 1]],
        [recipients[2 * BATCH], recipients[-1]],
    ]
    # Each request delivers its own recipients only, in one batch.
    for request in requested:
        tasks.deliver_batch(**request)
    assert len(mail.outbox) == len(recipients)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        User.objects.filter(pk__in=recipients).values_list("email", flat=True)
    )


def test_with_the_broker_down_a_fan_out_waits_once_and_leaves_the_rest_to_the_relay(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from notifications import tasks
    from notifications.delivery import BATCH

    recipients = [u.pk for u in UserFactory.create_batch(BATCH + 1)]
    attempts: list[object] = []

    def broker_down(kwargs: dict[str, Any], **_: Any) -> None:
        attempts.append(kwargs)
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_batch, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(message=_message("panne"), recipient_ids=recipients)
    assert len(attempts) == 1
    pending = Notification.objects.filter(mail_state=MailState.PENDING).count()
    assert pending == len(recipients)  # kept for the relay, none lost


def test_an_accented_subject_reads_back_the_same_from_the_raw_message(applicant_a: User) -> None:
    from email import message_from_bytes
    from email.header import decode_header, make_header

    from notifications.delivery import _email

    subject = "Financement à décider : « L'épicerie & Cie », coopérative d'habitants de Roubaix"
    notify(message=_message("accents"), recipient_ids=[applicant_a.pk])
    row = Notification.objects.get()
    row.subject = subject
    raw = _email(row, connection=None).message().as_bytes()
    parsed = message_from_bytes(raw)
    assert str(make_header(decode_header(parsed["Subject"]))) == subject
    assert all(len(line) <= 78 for line in raw.split(b"\n") if line.startswith(b"Subject"))

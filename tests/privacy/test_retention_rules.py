"""Each retention rule: not due the day before its limit, due the day after; a run deals with
what is due, a second run changes nothing, a dry run changes nothing."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from applicants.models import Project
from audit.models import AuditIdentity
from audit.services import audit_login_failed
from notifications.models import Notification
from privacy.anonymise import person_anonymise
from privacy.models import AccountDeletionWarning, RunStatus
from privacy.retention.rules import RULES
from privacy.retention.run import RetentionRunBusy, retention_run
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2027, 1, 10, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def rule(code: str) -> Any:
    return next(r for r in RULES if r.code == code)


def test_every_rule_is_registered_once_in_run_order() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert {"notifications", "sessions", "signin_log", "iban", "inactive_account_end"} <= set(codes)


def test_a_notification_is_due_the_day_after_its_year_not_the_day_before() -> None:
    user = UserFactory.create()
    Notification.objects.create(
        recipient=user, event="decision", subject="Avis", body="…", key="k1", created_at=START
    )
    limit = START + datetime.timedelta(days=settings.RETENTION_NOTIFICATION_DAYS)
    assert rule("notifications").due(limit - DAY).count() == 0
    assert rule("notifications").due(limit + DAY).count() == 1
    run = retention_run(now=limit + DAY, rules=[rule("notifications")])
    assert run.status == RunStatus.DONE
    assert Notification.objects.count() == 0
    again = retention_run(now=limit + DAY, rules=[rule("notifications")])
    assert again.results.get().done == 0


def test_a_sign_in_record_is_due_after_six_months() -> None:
    with time_machine.travel(START, tick=False):
        AccessLog.objects.create(username="a@example.org", ip_address="127.0.0.1", user_agent="x")
    limit = START + datetime.timedelta(days=settings.RETENTION_SIGNIN_LOG_DAYS)
    assert rule("signin_log").due(limit - DAY).count() == 0
    assert rule("signin_log").due(limit + DAY).count() == 1


def test_expired_sessions_are_deleted_live_ones_kept() -> None:
    with time_machine.travel(START, tick=False):
        store = SessionStore()
        store["x"] = 1
        store.set_expiry(3600)
        store.save()
    assert rule("sessions").due(START).count() == 0
    retention_run(now=START + DAY, rules=[rule("sessions")])
    assert Session.objects.count() == 0


def _inactive_user() -> User:
    user = UserFactory.create(email="dormeur@example.org")
    User.objects.filter(pk=user.pk).update(last_login=START, date_joined=START)
    return User.objects.get(pk=user.pk)


def _warning_day() -> datetime.datetime:
    inactive = settings.RETENTION_INACTIVE_ACCOUNT_DAYS - settings.RETENTION_INACTIVE_WARNING_DAYS
    return START + datetime.timedelta(days=inactive)


def test_an_inactive_account_is_warned_once_then_deleted_after_the_grace() -> None:
    user = _inactive_user()
    warn, end = rule("inactive_account_warning"), rule("inactive_account_end")
    assert warn.due(_warning_day() - DAY).count() == 0
    with time_machine.travel(_warning_day() + DAY, tick=False):
        retention_run(rules=[warn, end])
        retention_run(rules=[warn, end])
    assert len(mail.outbox) == 1
    assert "sera supprimé le" in mail.outbox[0].subject
    deadline = AccountDeletionWarning.objects.get(user=user).deletion_on
    assert end.due(deadline - DAY).count() == 0
    with time_machine.travel(deadline + DAY, tick=False):
        run = retention_run(rules=[warn, end])
    assert not User.objects.filter(pk=user.pk).exists()
    assert run.results.get(rule_code="inactive_account_end").outcomes == {"deleted": 1}
    assert len(mail.outbox) == 1


def test_signing_in_after_the_warning_cancels_the_deletion() -> None:
    user = _inactive_user()
    with time_machine.travel(_warning_day() + DAY, tick=False):
        retention_run(rules=[rule("inactive_account_warning")])
    deadline = AccountDeletionWarning.objects.get(user=user).deletion_on
    User.objects.filter(pk=user.pk).update(last_login=_warning_day() + 2 * DAY)
    with time_machine.travel(deadline + DAY, tick=False):
        retention_run(rules=[rule("inactive_account_warning"), rule("inactive_account_end")])
    assert User.objects.filter(pk=user.pk).exists()
    assert len(mail.outbox) == 1


def test_staff_and_members_of_an_organisation_are_never_concerned(mel_staff: User) -> None:
    admin = User.objects.create_superuser("root@example.org", "x")
    User.objects.filter(pk__in=[mel_staff.pk, admin.pk]).update(last_login=START)
    far = START + datetime.timedelta(days=10 * 365)
    assert rule("inactive_account_warning").due(far).count() == 0


def test_the_holder_of_a_live_dossier_is_left_to_the_dossier_rules(project_a: object) -> None:
    """A holder who never signs in (a funded project in its follow-up) keeps their contact
    details as long as the dossier is kept: the inactivity rules do not see them."""
    holder = User.objects.get(email="alice@example.org")
    User.objects.filter(pk=holder.pk).update(last_login=START, date_joined=START)
    far = START + datetime.timedelta(days=10 * 365)
    assert not rule("inactive_account_warning").due(far).filter(pk=holder.pk).exists()
    assert not rule("inactive_account_end").due(far).filter(pk=holder.pk).exists()


def test_an_anonymised_account_is_never_warned(project_a: object) -> None:
    holder = User.objects.get(email="alice@example.org")
    Project.objects.filter(holder_id=holder.pk).delete()
    person_anonymise(user=holder)
    User.objects.filter(pk=holder.pk).update(last_login=START, date_joined=START)
    far = START + datetime.timedelta(days=10 * 365)
    assert not rule("inactive_account_warning").due(far).filter(pk=holder.pk).exists()


def test_a_failing_object_is_recorded_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first warning cannot be sent: it is recorded as a failure, the second is sent."""
    first = _inactive_user()
    second = UserFactory.create(email="veilleur@example.org")
    User.objects.filter(pk=second.pk).update(last_login=START, date_joined=START)
    sent: list[str] = []

    def send(*, recipient_list: list[str], **kwargs: Any) -> int:
        if recipient_list == [first.email]:
            raise ConnectionRefusedError
        sent.extend(recipient_list)
        return 1

    monkeypatch.setattr("privacy.retention.account_rules.send_mail", send)
    with time_machine.travel(_warning_day() + DAY, tick=False):
        run = retention_run(rules=[rule("inactive_account_warning")], batch_size=1)
    result = run.results.get()
    assert run.status == RunStatus.DONE_WITH_FAILURES
    assert (result.done, result.failed) == (1, 1)
    assert result.errors == [
        {"object": f"Utilisateur n° {first.pk}", "error": "ConnectionRefusedError"}
    ]
    assert sent == [second.email]
    assert not AccountDeletionWarning.objects.filter(user=first).exists()


def test_a_dry_run_changes_nothing_and_names_objects_without_personal_data() -> None:
    user = UserFactory.create()
    for n in range(3):
        Notification.objects.create(
            recipient=user, event="decision", subject="S", body="B", key=f"k{n}", created_at=START
        )
    far = START + datetime.timedelta(days=2 * 365)
    run = retention_run(now=far, dry_run=True)
    result = run.results.get(rule_code="notifications")
    assert result.due == 3
    assert result.done == 0
    assert result.sample[0].startswith("Notification n° ")
    assert Notification.objects.count() == 3


def test_an_interrupted_run_is_resumed_by_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    user = UserFactory.create()
    for n in range(4):
        Notification.objects.create(
            recipient=user, event="decision", subject="S", body="B", key=f"k{n}", created_at=START
        )
    far = START + datetime.timedelta(days=2 * 365)
    notifications = rule("notifications")
    calls = {"n": 0}
    real_apply = notifications.apply

    def dies_after_two(obj: object) -> None:
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt  # the worker killed
        real_apply(obj)

    broken = type(notifications)(**{**notifications.__dict__, "apply": dies_after_two})
    with pytest.raises(KeyboardInterrupt):
        retention_run(now=far, rules=[broken], batch_size=2)
    assert Notification.objects.count() == 2
    retention_run(now=far, rules=[notifications])
    assert Notification.objects.count() == 0


def test_two_real_runs_never_overlap() -> None:
    from privacy.models import RetentionRun

    RetentionRun.objects.create(as_of=timezone.now(), status=RunStatus.RUNNING)
    with pytest.raises(RetentionRunBusy):
        retention_run(rules=[])
    retention_run(rules=[], dry_run=True)  # a dry run changes nothing: allowed beside


def test_a_run_silent_for_long_is_taken_as_interrupted() -> None:
    from privacy.models import RetentionRun

    old = timezone.now() - datetime.timedelta(hours=2)
    stale = RetentionRun.objects.create(as_of=old, heartbeat_at=old, status=RunStatus.RUNNING)
    assert retention_run(rules=[]).status == RunStatus.DONE
    stale.refresh_from_db()
    assert stale.status == RunStatus.INTERRUPTED


def test_the_task_is_in_the_beat_schedule_at_night() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.tasks.run_retention"
    assert entry["schedule"].hour == {settings.RETENTION_RUN_HOUR}


@pytest.mark.parametrize("code", ["signin_failures", "signin_attempts"])
def test_failed_sign_in_records_are_due_after_their_limit_not_before(code: str) -> None:
    model = AccessFailureLog if code == "signin_failures" else AccessAttempt
    extra = {"failures_since_start": 1} if model is AccessAttempt else {}
    with time_machine.travel(START, tick=False):
        model.objects.create(
            username="a@example.org", ip_address="127.0.0.1", user_agent="x", **extra
        )
    if code == "signin_failures":
        limit = START + datetime.timedelta(days=settings.RETENTION_SIGNIN_LOG_DAYS)
    else:
        limit = START + settings.AXES_COOLOFF_TIME
    step = datetime.timedelta(minutes=1)
    assert rule(code).due(limit - step).count() == 0
    assert rule(code).due(limit + step).count() == 1


def test_the_nightly_task_runs_every_rule() -> None:
    from privacy.models import RetentionRun
    from privacy.tasks import run_retention

    pk = run_retention.delay().get()
    run = RetentionRun.objects.get(pk=pk)
    assert not run.dry_run
    assert run.results.count() == len(RULES)


def test_an_identifier_typed_in_a_failed_sign_in_is_forgotten_after_the_log_period() -> None:
    """The audit record stays and verifies; what was typed reads « personne effacée »."""
    with time_machine.travel(START, tick=False):
        audit_login_failed(username="quelquun@example.org")
    limit = START + datetime.timedelta(days=settings.RETENTION_SIGNIN_LOG_DAYS)
    assert rule("signin_identifiers").due(limit - DAY).count() == 0
    with time_machine.travel(limit + DAY, tick=False):
        run = retention_run(rules=[rule("signin_identifiers")])
        again = retention_run(rules=[rule("signin_identifiers")])
    assert run.results.get().done == 1
    assert again.results.get().due == 0
    assert not AuditIdentity.objects.filter(label__icontains="quelquun").exists()
    call_command("verify_audit_chain", stdout=StringIO())


def test_a_deleted_inactive_account_leaves_no_name_in_the_admin_history(
    mel_staff: User,
) -> None:
    # The admin's history names the account as it was (``object_repr``); no foreign key
    # cascades to it when the account is deleted.
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    user = _inactive_user()
    LogEntry.objects.create(
        user=mel_staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr="dormeur@example.org",
        action_flag=CHANGE,
        change_message="Adresse changée pour dormeur@example.org",
    )
    warn, end = rule("inactive_account_warning"), rule("inactive_account_end")
    with time_machine.travel(_warning_day() + DAY, tick=False):
        retention_run(rules=[warn, end])
    deadline = AccountDeletionWarning.objects.get(user=user).deletion_on
    with time_machine.travel(deadline + DAY, tick=False):
        retention_run(rules=[warn, end])
    assert not User.objects.filter(pk=user.pk).exists()
    reprs = list(LogEntry.objects.values_list("object_repr", "change_message"))
    assert not [row for row in reprs if "dormeur" in "".join(row)]


def test_a_deleted_inactive_account_leaves_no_identity_naming_it_in_the_audit_trail() -> None:
    # A former committee member keeps the rows guardian gave them on dossiers; deleting the
    # account deletes them by cascade, and the trail records each revoke, naming the
    # person through an identity created then, after the erasure.
    from guardian.shortcuts import assign_perm

    user = _inactive_user()
    assign_perm("accounts.view_user", user, user)
    warn, end = rule("inactive_account_warning"), rule("inactive_account_end")
    with time_machine.travel(_warning_day() + DAY, tick=False):
        retention_run(rules=[warn, end])
    deadline = AccountDeletionWarning.objects.get(user=user).deletion_on
    with time_machine.travel(deadline + DAY, tick=False):
        retention_run(rules=[warn, end])
    assert not User.objects.filter(pk=user.pk).exists()
    labels = list(AuditIdentity.objects.values_list("label", flat=True))
    assert not [label for label in labels if "dormeur" in label]
    assert not AuditIdentity.objects.filter(user_id=user.pk).exists()


def test_a_failure_is_logged_without_the_personal_data_in_its_message(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A refused recipient's error names the address: the log keeps the kind of error and
    # where it happened, not its message.
    import logging
    import smtplib

    user = _inactive_user()

    def send(*, recipient_list: list[str], **kwargs: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({user.email: (550, b"unknown user")})

    monkeypatch.setattr("privacy.retention.account_rules.send_mail", send)
    with (
        caplog.at_level(logging.ERROR, logger="privacy.retention.run"),
        time_machine.travel(_warning_day() + DAY, tick=False),
    ):
        run = retention_run(rules=[rule("inactive_account_warning")])
    assert run.results.get().failed == 1
    assert "SMTPRecipientsRefused" in caplog.text
    assert "account_warn" in caplog.text  # where it failed, for whoever investigates
    assert "dormeur" not in caplog.text


def test_a_deleted_inactive_account_leaves_no_sign_in_record_with_its_address() -> None:
    # Someone typed the address lately (a failed sign-in): the trail forgets the identifier
    # with the account; django-axes' own rows must go with it too, as on anonymisation.
    user = _inactive_user()
    warn, end = rule("inactive_account_warning"), rule("inactive_account_end")
    with time_machine.travel(_warning_day() + DAY, tick=False):
        retention_run(rules=[warn, end])
    deadline = AccountDeletionWarning.objects.get(user=user).deletion_on
    with time_machine.travel(deadline - DAY, tick=False):
        AccessFailureLog.objects.create(
            username="Dormeur@example.org", ip_address="127.0.0.1", user_agent="x"
        )
        AccessAttempt.objects.create(
            username="dormeur@example.org", ip_address="127.0.0.1", user_agent="x",
            failures_since_start=1,
        )  # fmt: skip
    with time_machine.travel(deadline + DAY, tick=False):
        retention_run(rules=[warn, end])
    assert not User.objects.filter(pk=user.pk).exists()
    assert not AccessFailureLog.objects.exists()
    assert not AccessAttempt.objects.exists()

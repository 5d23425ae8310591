"""Every rule together: a dry run changes nothing, a run deals with everything due, and a
second run finds nothing; the command prints the same in French."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from notifications.models import Notification
from privacy.retention.run import retention_run
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

OLD = datetime.datetime(2020, 1, 1, 12, 0, tzinfo=datetime.UTC)
NOW = datetime.datetime(2027, 1, 1, 12, 0, tzinfo=datetime.UTC)


def _world() -> None:
    user = UserFactory.create()
    User.objects.filter(pk=user.pk).update(last_login=OLD, date_joined=OLD)
    Notification.objects.create(
        recipient=user, event="decision", subject="S", body="B", key="k", created_at=OLD
    )
    with time_machine.travel(OLD, tick=False):
        for model in (AccessLog, AccessFailureLog):
            model.objects.create(username="x@example.org", ip_address="127.0.0.1", user_agent="x")
        AccessAttempt.objects.create(
            username="x@example.org", ip_address="127.0.0.1", user_agent="x", failures_since_start=2
        )


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_a_dry_run_changes_nothing_but_its_own_log() -> None:
    _world()
    before = _counts()
    run = retention_run(now=NOW, dry_run=True)
    after = _counts()
    for label in ("privacy.RetentionRun", "privacy.RetentionRuleResult"):
        before.pop(label), after.pop(label)
    assert after == before
    assert sum(result.due for result in run.results.all()) >= 5


def test_a_second_run_changes_nothing() -> None:
    _world()
    with time_machine.travel(NOW, tick=False):
        first = retention_run()
        second = retention_run()
    assert sum(r.done for r in first.results.all()) >= 5
    assert [(r.due, r.done, r.failed) for r in second.results.all()] == [
        (0, 0, 0) for _ in second.results.all()
    ]
    for model in (AccessLog, AccessFailureLog, AccessAttempt, Notification):
        assert model.objects.count() == 0


def test_the_command_prints_a_french_table_and_its_dry_run_changes_nothing() -> None:
    _world()
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention_run", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Simulation (rien n'a été modifié)" in text
    assert "À traiter" in text
    assert "Notifications envoyées aux personnes" in text
    assert Notification.objects.count() == 1

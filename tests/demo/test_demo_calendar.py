"""The demo can be shown to the MEL: its dates follow each other as they would have in real
life (contacts, filings, sessions, deliberations, payments, reports), nothing is dated in
the future, sessions sit at a meeting hour, and every session a message names exists."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task

from audit.models import AuditRecord
from funding.models import FollowUpReport, Tranche
from notifications.models import Notification
from reviewers.models import CommitteeSession, Deliberation, SessionStatus
from steering.models import ComiteMeeting, MeetingStatus, SemesterReport
from workflows.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())


def test_sessions_meet_at_two_in_the_afternoon_held_ones_in_the_past(demo: None) -> None:
    now = timezone.now()
    sessions = list(CommitteeSession.objects.all())
    assert len(sessions) == 6
    for session in sessions:
        assert timezone.localtime(session.starts_at).time() == datetime.time(14, 0)
        if session.status == SessionStatus.HELD:
            assert session.starts_at < now
        else:
            assert session.starts_at > now
        assert session.agenda_cutoff is not None
        assert session.agenda_cutoff < timezone.localdate(session.starts_at)


def test_every_dossier_was_filed_before_the_session_that_deliberated_on_it(demo: None) -> None:
    deliberations = list(Deliberation.objects.select_related("application", "session"))
    assert len(deliberations) == 6
    for deliberation in deliberations:
        filed = deliberation.application.submitted_at
        assert filed is not None
        assert filed < deliberation.session.starts_at <= deliberation.recorded_at
        assert deliberation.recorded_at - deliberation.session.starts_at < datetime.timedelta(
            hours=6
        )
    on_agenda = Application.objects.filter(committee_session__status=SessionStatus.PLANNED)
    for application in on_agenda:
        assert application.submitted_at is not None
        assert application.submitted_at < application.committee_session.starts_at


def test_nothing_is_dated_in_the_future(demo: None) -> None:
    """Only the meetings still to come are ahead: the selection committee's planned
    sessions (checked above) and the Comité métropolitain's planned meeting."""
    now = timezone.now()
    comite = ComiteMeeting.objects.exclude(status=MeetingStatus.PLANNED)
    dated = [
        *comite.values_list("starts_at", flat=True),
        *ComiteMeeting.objects.values_list("created_at", flat=True),
        *SemesterReport.objects.values_list("generated_at", flat=True),
        *SemesterReport.objects.values_list("approved_at", flat=True),
        *Application.objects.values_list("submitted_at", flat=True),
        *Deliberation.objects.values_list("recorded_at", flat=True),
        *FollowUpReport.objects.values_list("submitted_at", flat=True),
        *Tranche.objects.values_list("released_at", flat=True),
        *AuditRecord.objects.values_list("at", flat=True),
        *Notification.objects.values_list("created_at", flat=True),
        *Task.objects.values_list("created", flat=True),
        *Task.objects.values_list("finished", flat=True),
    ]
    assert len(dated) > 500
    assert [moment for moment in dated if moment is not None and moment > now] == []


def test_each_process_steps_follow_each_other_in_time(demo: None) -> None:
    previous: dict[int, datetime.datetime] = {}
    checked = 0
    for process_id, created in Task.objects.order_by("pk").values_list("process_id", "created"):
        if process_id in previous:
            assert created >= previous[process_id], process_id
            checked += 1
        previous[process_id] = created
    assert checked > 200


def test_dossiers_span_the_years_of_the_programme(demo: None) -> None:
    """The closed dossier went through its 6-, 12- and 36-month reports before today; the
    one in follow-up has its first report due within the month."""
    today = timezone.localdate()
    closed = Application.objects.get(holder__user__email__startswith="emma@")
    reports = list(closed.reports.order_by("months"))
    assert [r.months for r in reports] == [6, 12, 36]
    assert all(r.submitted_at and timezone.localdate(r.submitted_at) < r.due_on for r in reports)
    assert reports[-1].due_on < today
    followed = Application.objects.get(holder__user__email__startswith="kevin@")
    due = followed.reports.filter(submitted_at__isnull=True).order_by("due_on").first()
    assert due is not None
    assert today <= due.due_on <= today + datetime.timedelta(days=31)


SESSION_NAMED = re.compile(r"(?:séance|comité) du (\d{2}/\d{2}/\d{4})")


def test_every_session_a_message_names_exists(demo: None) -> None:
    days = {
        timezone.localtime(s.starts_at).strftime("%d/%m/%Y") for s in CommitteeSession.objects.all()
    }
    named = {
        match
        for subject, body in Notification.objects.values_list("subject", "body")
        for match in SESSION_NAMED.findall(f"{subject} {body}")
    }
    assert named
    assert named <= days

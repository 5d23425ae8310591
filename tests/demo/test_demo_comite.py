"""The demo's Comité métropolitain: the last semester's meeting held, its report approved in
session with a PDF whose SHA-256 is the one stored; the next meeting planned ahead, its report
a draft; both with members and an agenda, read by the demo's steering organisation."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.steering import comite_calendar
from steering.comite.services import report_period
from steering.models import ComiteMeeting, MeetingStatus, SemesterReport

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_approved_report_and_one_meeting_ahead(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    now = timezone.now()
    held, planned = ComiteMeeting.objects.order_by("starts_at")
    assert held.status == MeetingStatus.HELD
    assert held.starts_at < now
    assert planned.status == MeetingStatus.PLANNED
    assert planned.starts_at > now
    for meeting in (held, planned):
        assert meeting.members.count() == 3
        assert 4 <= meeting.agenda.count() <= 5
        assert [o.slug for o in meeting.readers.all()] == ["demo-pilotage"]
        assert meeting.created_at < meeting.starts_at
    approved = SemesterReport.objects.get(approved_at__isnull=False)
    assert approved.meeting == held
    assert approved.approved_at is not None
    assert held.starts_at < approved.approved_at < now
    assert approved.generated_at < held.starts_at
    assert approved.pdf is not None
    assert bytes(approved.pdf).startswith(b"%PDF")
    assert hashlib.sha256(bytes(approved.pdf)).hexdigest() == approved.pdf_sha256
    draft = SemesterReport.objects.get(meeting=planned)
    assert draft.approved_at is None
    assert not draft.pdf_sha256
    assert draft.generated_at <= now
    period = report_period(timezone.localdate(held.starts_at))
    assert (approved.period_start, approved.period_end) == (period.start, period.end)
    # A second run adds nothing.
    call_command("seed_demo", stdout=io.StringIO())
    assert ComiteMeeting.objects.count() == 2


@pytest.mark.parametrize(
    ("today", "held", "planned"),
    [
        ("2026-12-03", "2026-06-25", "2026-12-10"),
        ("2026-12-10", "2026-06-25", "2026-12-10"),
        ("2026-12-11", "2026-12-10", "2027-06-25"),
        ("2026-12-14", "2026-12-10", "2027-06-25"),
        ("2027-03-01", "2026-12-10", "2027-06-25"),
        ("2027-07-02", "2027-06-25", "2027-12-10"),
    ],
)
def test_the_comite_sits_in_late_june_and_mid_december_around_today(
    today: str, held: str, planned: str
) -> None:
    """The held meeting is over, the planned one ahead; a weekend sitting moves to the Friday
    (25 June 2027 is a Friday, 10 December 2027 too)."""
    now = timezone.make_aware(datetime.datetime.fromisoformat(f"{today}T09:00"))
    calendar = comite_calendar(now)
    assert timezone.localdate(calendar.held).isoformat() == held
    assert timezone.localdate(calendar.planned).isoformat() == planned
    for meeting_day in (calendar.held, calendar.planned):
        assert timezone.localdate(meeting_day).month in (6, 12)  # reviews the semester it closes

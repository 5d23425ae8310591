"""An approved Comité report keeps the meeting it names (issue #13): its date, place and
title are stored at approval, the approval line is dated by the approval, and the meeting's
date, place and status are read-only in the admin and refused by the model afterwards."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.exceptions import ApplicationError
from accounts.french import long_date
from accounts.models import User
from steering.comite.services import semester_report_approve, semester_report_generate
from steering.comite.wording import approval_line
from steering.models import ComiteMeeting, MeetingStatus
from tests.conftest import login
from tests.steering.comite_helpers import meeting
from tests.steering.test_comite_report import figures  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("figures")]


def _approved(actor: User, *, days_after: int = 0) -> ComiteMeeting:
    held = meeting(actor, days=-1)
    report = semester_report_generate(meeting=held, actor=actor)
    later = held.starts_at + datetime.timedelta(days=1 + days_after)
    with time_machine.travel(later, tick=False):
        semester_report_approve(report=report, actor=actor)
    return held


def test_the_approval_keeps_the_meeting_and_dates_its_line_by_the_approval(
    mel_staff: User,
) -> None:
    held = _approved(mel_staff, days_after=5)
    report = held.report
    assert (report.approved_meeting_at, report.approved_meeting_place) == (
        held.starts_at,
        "Hôtel de la Métropole, Lille",
    )
    assert report.approved_title.startswith("Rapport du ")
    assert report.approved_at is not None
    assert approval_line(report) == f"Approuvé par le Comité le {long_date(report.approved_at)}"
    assert long_date(report.approved_at) != long_date(held.starts_at)


def test_a_meeting_with_an_approved_report_keeps_its_date_place_and_status(
    mel_staff: User,
) -> None:
    held = ComiteMeeting.objects.get(pk=_approved(mel_staff).pk)
    for field, value in (
        ("place", "Ailleurs"),
        ("status", MeetingStatus.CANCELLED),
        ("starts_at", held.starts_at + datetime.timedelta(days=3)),
    ):
        fresh = ComiteMeeting.objects.get(pk=held.pk)
        setattr(fresh, field, value)
        with pytest.raises(ApplicationError, match="ne changent plus"):
            fresh.save()
    held.save()  # unchanged: allowed


def test_the_admin_shows_an_approved_meeting_read_only(client: Client, mel_staff: User) -> None:
    draft = meeting(mel_staff, days=10)
    held = _approved(mel_staff)
    login(client, mel_staff)
    page = client.get(reverse("admin:steering_comitemeeting_change", args=[held.pk]))
    assert page.status_code == 200
    assert 'name="place"' not in page.content.decode()
    editable = client.get(reverse("admin:steering_comitemeeting_change", args=[draft.pk]))
    assert 'name="place"' in editable.content.decode()

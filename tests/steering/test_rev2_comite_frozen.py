"""Review proof: the approved report's page still reads the meeting live (admin-editable)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from steering.comite.services import semester_report_approve, semester_report_generate
from steering.models import MeetingStatus
from tests.conftest import login
from tests.steering.comite_helpers import meeting
from tests.steering.test_comite_report import figures, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db


def test_editing_the_meeting_after_approval_changes_the_approved_report(
    client: Client,
    mel_staff: User,
    figures: dict[str, str],  # noqa: F811
) -> None:
    held = meeting(mel_staff, days=-1)
    report = semester_report_generate(meeting=held, actor=mel_staff)
    approved = semester_report_approve(report=report, actor=mel_staff)
    pdf = pdf_text(bytes(approved.pdf))
    login(client, mel_staff)
    before = client.get(reverse("steering:comite_report", args=[held.pk])).content.decode()
    # What the meeting admin allows after the approval (ComiteMeetingAdmin: all fields editable).
    held.starts_at = held.starts_at - datetime.timedelta(days=400)
    held.place = "Ailleurs"
    held.status = MeetingStatus.CANCELLED
    held.save()
    after = client.get(reverse("steering:comite_report", args=[held.pk])).content.decode()
    assert "Ailleurs" not in after, "the approved report now names another place"
    assert before == after

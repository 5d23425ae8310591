"""Review proof: the approved report's page read the meeting live (admin-editable).

Adapted after the fix: editing an approved meeting's date, place or status is now refused
(``ComiteMeeting.save``), so the proof also changes the row behind the model's back (a
queryset ``update``) and checks that neither the page nor the PDF move; the comparison
ignores the per-response CSRF token and chart ids, which made the original ``before == after`` fail
whatever the fix."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.exceptions import ApplicationError
from accounts.models import User
from steering.comite.services import semester_report_approve, semester_report_generate
from steering.models import ComiteMeeting, MeetingStatus
from tests.conftest import login
from tests.steering.comite_helpers import meeting
from tests.steering.test_comite_report import figures, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db
# Each response masks its CSRF token, may draw a CSP nonce and numbers its SVG charts from a
# process-wide counter (steering/templatetags/charts.py) anew: not the report's text.
PER_RESPONSE = re.compile(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"|chart-\d+-')


def _page(client: Client, url: str) -> str:
    return PER_RESPONSE.sub("", client.get(url).content.decode())


def test_editing_the_meeting_after_approval_changes_the_approved_report(
    client: Client,
    mel_staff: User,
    figures: dict[str, str],  # noqa: F811
) -> None:
    held = meeting(mel_staff, days=-1)
    report = semester_report_generate(meeting=held, actor=mel_staff)
    approved = semester_report_approve(report=report, actor=mel_staff)
    assert approved.pdf is not None
    pdf = pdf_text(bytes(approved.pdf))
    assert "Hôtel de la Métropole" in pdf
    login(client, mel_staff)
    page = reverse("steering:comite_report", args=[held.pk])
    before = _page(client, page)
    held.starts_at = held.starts_at - datetime.timedelta(days=400)
    held.place = "Ailleurs"
    held.status = MeetingStatus.CANCELLED
    with pytest.raises(ApplicationError, match="ne changent plus"):
        held.save()
    ComiteMeeting.objects.filter(pk=held.pk).update(
        starts_at=held.starts_at, place="Ailleurs", status=MeetingStatus.CANCELLED
    )
    after = _page(client, page)
    assert "Ailleurs" not in after, "the approved report now names another place"
    assert before == after
    pdf_after = client.get(reverse("steering:comite_report_pdf", args=[held.pk]))
    assert pdf_text(b"".join(pdf_after)) == pdf

"""The semester report: generated from the plan's indicators, regenerated while a draft,
frozen by the Comité's approval (figures, PDF and its hash), served as approved."""

from __future__ import annotations

import datetime
import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.exceptions import ApplicationError
from accounts.models import User
from audit.models import AuditRecord
from steering.comite import services
from steering.comite.services import (
    report_period,
    semester_report_approve,
    semester_report_generate,
)
from steering.indicators.types import Period
from steering.models import MeetingStatus, SemesterReport
from tests.conftest import login
from tests.steering.comite_helpers import indicators, meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The plan's indicators, built by hand; ``granted`` changes what they say."""
    state = {"granted": "412 000 €"}

    def plan_indicators(period: Period, **_: Any) -> Any:
        return indicators(period, granted=state["granted"])

    monkeypatch.setattr(services, "plan_indicators", plan_indicators)
    return state


def pdf_text(content: bytes) -> str:
    if not Path("/usr/bin/pdftotext").exists():
        if os.environ.get("CI"):
            pytest.fail("pdftotext (Debian poppler-utils) is missing: .ci/run installs it")
        pytest.skip("pdftotext absent: sudo apt-get install poppler-utils")
    result = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            datetime.date(2026, 12, 10),
            Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
        ),
        (
            datetime.date(2026, 12, 31),
            Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
        ),
        (datetime.date(2027, 1, 1), Period(datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))),
        (
            datetime.date(2027, 2, 15),
            Period(datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
        ),
        (
            datetime.date(2027, 6, 20),
            Period(datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
        ),
        (datetime.date(2027, 9, 1), Period(datetime.date(2027, 1, 1), datetime.date(2027, 6, 30))),
    ],
)
def test_the_report_covers_the_last_full_semester_before_the_meeting_even_in_june_or_december(
    day: datetime.date, expected: Period
) -> None:
    assert report_period(day) == expected


@pytest.mark.usefixtures("figures")
def test_generating_stores_the_computed_figures_for_the_meetings_semester(mel_staff: User) -> None:
    planned = meeting(mel_staff)
    report = semester_report_generate(meeting=planned, actor=mel_staff)
    assert report.indicators["sections"][1]["figures"][0]["value"]["display"] == "412 000 €"
    assert (report.period_start, report.period_end) == (
        report_period(planned.starts_at.date()).start,
        report_period(planned.starts_at.date()).end,
    )
    assert report.generated_by == mel_staff
    assert not report.is_approved


def test_a_draft_is_regenerated_with_the_figures_of_the_day(
    mel_staff: User, figures: dict[str, str]
) -> None:
    planned = meeting(mel_staff)
    first = semester_report_generate(meeting=planned, actor=mel_staff)
    figures["granted"] = "500 000 €"
    again = semester_report_generate(meeting=planned, actor=mel_staff)
    assert again.pk == first.pk
    assert (
        SemesterReport.objects.get().indicators["sections"][1]["figures"][0]["value"]["display"]
        == "500 000 €"
    )


def test_approval_freezes_the_figures_and_the_pdf_and_refuses_any_regeneration(
    client: Client, mel_staff: User, figures: dict[str, str]
) -> None:
    held = meeting(mel_staff, days=-1)
    report = semester_report_generate(meeting=held, actor=mel_staff)
    approved = semester_report_approve(report=report, actor=mel_staff)
    assert approved.pdf is not None
    stored = bytes(approved.pdf)
    assert approved.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    assert approved.approved_by == mel_staff
    assert approved.approved_at is not None
    held.refresh_from_db()
    assert held.status == MeetingStatus.HELD

    figures["granted"] = "1 000 000 €"  # the indicators change afterwards
    with pytest.raises(ApplicationError, match=r"approuvé par le Comité .* figé"):
        semester_report_generate(meeting=held, actor=mel_staff)
    with pytest.raises(ApplicationError, match="figé"):
        semester_report_approve(report=approved, actor=mel_staff)
    approved.pdf_sha256 = "0" * 64
    with pytest.raises(ApplicationError, match="ne change plus"):
        approved.save()

    login(client, mel_staff)
    response = client.get(reverse("steering:comite_report_pdf", args=[held.pk]))
    assert response.content == stored
    assert "no-store" in response["Cache-Control"]
    page = client.get(reverse("steering:comite_report", args=[held.pk])).content.decode()
    assert "412 000 €" in page
    assert "1 000 000 €" not in page
    assert "Approuvé par le Comité le" in page


def test_the_approval_is_written_in_the_audit_trail(mel_staff: User, figures: Any) -> None:
    report = semester_report_generate(meeting=meeting(mel_staff, days=-1), actor=mel_staff)
    approved = semester_report_approve(report=report, actor=mel_staff)
    record = AuditRecord.objects.get(object_ref=f"steering.semesterreport:{approved.pk}")
    assert record.actor_id == mel_staff.pk
    assert record.after is not None
    assert record.after["pdf_sha256"] == approved.pdf_sha256
    assert "approuvé par le Comité" in record.summary


@pytest.mark.usefixtures("figures")
def test_a_report_is_not_approved_before_its_meeting_nor_for_a_cancelled_one(
    mel_staff: User,
) -> None:
    upcoming = meeting(mel_staff, days=3)
    report = semester_report_generate(meeting=upcoming, actor=mel_staff)
    with pytest.raises(ApplicationError, match="s'approuve en séance"):
        semester_report_approve(report=report, actor=mel_staff)
    upcoming.status = MeetingStatus.CANCELLED
    upcoming.save()
    with pytest.raises(ApplicationError, match="annulée"):
        semester_report_generate(meeting=upcoming, actor=mel_staff)


@pytest.mark.usefixtures("figures")
def test_only_mel_staff_generate_and_approve(mel_staff: User, steering_reader: User) -> None:
    planned = meeting(mel_staff, days=-1)
    with pytest.raises(PermissionDenied):
        semester_report_generate(meeting=planned, actor=steering_reader)
    report = semester_report_generate(meeting=planned, actor=mel_staff)
    with pytest.raises(PermissionDenied):
        semester_report_approve(report=report, actor=steering_reader)


@pytest.mark.usefixtures("figures")
def test_the_pdf_opens_with_its_title_page_figures_and_page_numbers(
    client: Client, mel_staff: User
) -> None:
    planned = meeting(mel_staff)
    semester_report_generate(meeting=planned, actor=mel_staff)
    login(client, mel_staff)
    response = client.get(reverse("steering:comite_report_pdf", args=[planned.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Comité métropolitain de l'ESS" in text
    assert "Rapport du" in text
    assert "semestre" in text
    assert "Document de travail" in text
    assert "412 000 €" in text
    assert "Montants accordés par financeur" in text
    assert "Page 1 sur" in text
    info = subprocess.run(
        ["/usr/bin/pdfinfo", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Title:" in info
    assert "Comité métropolitain de l'ESS — Rapport du" in info
    assert "Métropole Européenne de Lille" in info


def test_an_approved_report_cannot_be_changed_nor_deleted_in_the_admin(
    client: Client, mel_staff: User, figures: Any
) -> None:
    report = semester_report_generate(meeting=meeting(mel_staff, days=-1), actor=mel_staff)
    sha = semester_report_approve(report=report, actor=mel_staff).pdf_sha256
    login(client, mel_staff)
    change = reverse("admin:steering_semesterreport_change", args=[report.pk])
    response = client.post(change, {"pdf_sha256": "0" * 64})
    assert response.status_code in (302, 403)
    assert SemesterReport.objects.get().pdf_sha256 == sha
    delete = reverse("admin:steering_semesterreport_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SemesterReport.objects.filter(pk=report.pk).exists()

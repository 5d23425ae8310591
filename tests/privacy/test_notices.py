"""The art. 13 notice: on every form that collects personal data, versioned, and the version
in force kept on each consent record."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from applicants.models import Commune, ConsentRecord, Project, Structure
from privacy.notices import NOTICES, current_notice
from tests.conftest import login
from tests.privacy.conftest import Dossiers
from tests.workflows.application_helpers import open_application, ready_journey

pytestmark = pytest.mark.django_db

BLOCK = 'aria-label="Vos données"'
NOTICE_LINK = 'href="/donnees-personnelles/"'

# Templates whose form collects what a person tells about themselves (or their project).
FORM_TEMPLATES = (
    "workflows/first_contact.html",
    "accounts/login.html",
    "accounts/password_reset.html",
    "applicants/person_details.html",
    "applicants/structure_form.html",
    "applicants/project_form.html",
    "applicants/qpv_declaration.html",
    "workflows/application/edit.html",
    "workflows/award/report.html",
    "workflows/award/bank_details.html",
    "workflows/journey_detail.html",
    "workflows/withdraw.html",
    "privacy/dpo_request.html",
)


def _has_block(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert BLOCK in page, url
    assert NOTICE_LINK in page, url


def test_every_form_template_that_collects_personal_data_includes_the_notice_block() -> None:
    folder = Path(settings.BASE_DIR) / "templates"
    for name in FORM_TEMPLATES:
        assert "includes/privacy_notice.html" in (folder / name).read_text(), name


def test_public_forms_show_the_notice_block(client: Client) -> None:
    for name in ("workflows:first_contact", "accounts:login", "accounts:password_reset"):
        _has_block(client, reverse(name))


def test_the_applicants_own_forms_show_the_notice_block(
    client: Client, applicant_a: User, structure_a: Structure, project_a: Project
) -> None:
    login(client, applicant_a)
    for url in (
        reverse("applicants:person_details"),
        reverse("applicants:structure_create"),
        reverse("applicants:structure_update", args=[structure_a.pk]),
        reverse("applicants:project_create"),
        reverse("applicants:project_update", args=[project_a.pk]),
        reverse("applicants:qpv_declaration", args=[project_a.pk]),
        reverse("privacy:dpo_request"),
    ):
        _has_block(client, url)


def test_the_dossier_forms_show_the_notice_block(
    client: Client,
    dossiers: Dossiers,
) -> None:
    login(client, dossiers.holder_a)
    a = dossiers.a
    for url in (
        reverse("workflows:journey_detail", args=[a.source_journey_id]),
        reverse("workflows:bank_details", args=[a.pk]),
    ):
        _has_block(client, url)


def test_the_draft_application_form_and_the_withdrawal_show_the_notice_block(
    client: Client,
    town: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, town, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    _has_block(client, reverse("workflows:application_edit", args=[application.pk]))
    _has_block(client, reverse("workflows:withdraw", args=[journey.pk]))


def test_consent_records_carry_the_notice_version_in_force(
    client: Client, town: Commune, mel_staff: User, incubator_x: Organisation,
    incubator_x_member: User, settings: object,
) -> None:  # fmt: skip
    ready_journey(client, town, mel_staff, incubator_x, incubator_x_member)
    record = ConsentRecord.objects.get()
    assert record.text_version == current_notice().id == "2026-12"
    settings.PRIVACY_NOTICE_VERSION = "2026-11"  # type: ignore[attr-defined]
    assert current_notice().id == "2026-11"


def test_a_version_setting_naming_no_notice_is_refused_at_start_up(settings: object) -> None:
    settings.PRIVACY_NOTICE_VERSION = "2099-01"  # type: ignore[attr-defined]
    assert "privacy.E001" in [m.id for m in run_checks()]
    settings.PRIVACY_NOTICE_VERSION = NOTICES[-1].id  # type: ignore[attr-defined]
    settings.PARTNER_SHARING_LEGAL_BASIS = "maybe"  # type: ignore[attr-defined]
    assert "privacy.E002" in [m.id for m in run_checks()]


def test_notice_ids_are_unique_and_dated_in_order() -> None:
    assert len({n.id for n in NOTICES}) == len(NOTICES)
    assert [n.published for n in NOTICES] == sorted(n.published for n in NOTICES)


def test_the_notice_gives_each_duration_in_words_never_a_raw_setting(client: Client) -> None:
    """A reader sees "5 ans après la décision", not the value of a setting ("5", "1095",
    "0:15:00"), and no version is dated after today."""
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "sans suite : 5 ans" in page
    assert "candidature : 3 ans" in page
    assert "1095" not in page
    assert "0:15:00" not in page
    assert all(notice.published <= timezone.localdate() for notice in NOTICES)


def test_the_dpo_page_counts_the_dossier_rules_in_years(dpo_member: User, client: Client) -> None:
    client.force_login(dpo_member)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "5 ans" in page
    assert "10 ans" in page
    assert "5 jours" not in page

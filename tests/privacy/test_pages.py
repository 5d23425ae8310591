"""« Mes données personnelles », the DPO's export and the requests to the DPO: who may do what."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditRecord
from notifications.models import Notification
from tests.conftest import login
from tests.privacy.conftest import EMAIL_B, Dossiers

pytestmark = pytest.mark.django_db


def _account(response: object) -> dict[str, object]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return json.loads(archive.read("compte.json"))


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    for name in ("privacy:my_data", "privacy:dpo_request", "privacy:dpo_search"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/compte/connexion/" in response["Location"]
    response = client.post(reverse("privacy:my_data_export"))
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]


def test_the_export_is_always_ones_own_downloaded_by_post_never_cached_and_audited(
    client: Client, applicant_a: User, applicant_b: User
) -> None:
    login(client, applicant_a)
    assert client.get(reverse("privacy:my_data_export")).status_code == 405
    before = AuditRecord.objects.count()
    # Whatever is posted, the export is the signed-in person's.
    response = client.post(reverse("privacy:my_data_export"), {"email": applicant_b.email})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    assert _account(response)["adresse e-mail"] == applicant_a.email
    record = AuditRecord.objects.order_by("-seq").first()
    assert AuditRecord.objects.count() == before + 1
    assert record is not None
    assert record.actor_id == applicant_a.pk
    assert record.object_ref == f"accounts.user:{applicant_a.pk}"
    assert applicant_a.email not in record.summary
    assert "Export" in record.summary


def test_every_signed_in_person_reads_their_rights_and_partners_export_too(
    client: Client, incubator_x_member: User, committee_member: User
) -> None:
    for user in (incubator_x_member, committee_member):
        login(client, user)
        page = client.get(reverse("privacy:my_data")).content.decode()
        assert "Télécharger mes données" in page
        assert "CNIL" in page
        response = client.post(reverse("privacy:my_data_export"))
        assert _account(response)["adresse e-mail"] == user.email


def test_only_the_dpo_finds_a_person_and_exports_their_data(
    client: Client, dossiers: Dossiers, dpo_member: User, mel_staff: User
) -> None:
    search = reverse("privacy:dpo_search")
    export = reverse("privacy:dpo_export")
    for user in (dossiers.holder_a, mel_staff):
        login(client, user)
        assert client.get(search, {"email": EMAIL_B}).status_code == 403
        assert client.post(export, {"email": EMAIL_B}).status_code == 403
    login(client, dpo_member)
    page = client.get(search, {"email": EMAIL_B.upper()}).content.decode()
    assert EMAIL_B in page
    assert "Télécharger ses données" in page
    assert "Aucun compte" in client.get(search, {"email": "inconnu@example.org"}).content.decode()
    assert "Erreur" in client.get(search, {"email": "pas une adresse"}).content.decode()
    response = client.post(export, {"email": EMAIL_B})
    assert _account(response)["adresse e-mail"] == EMAIL_B
    record = AuditRecord.objects.order_by("-seq").first()
    assert record is not None
    assert record.actor_id == dpo_member.pk
    assert record.object_ref == f"accounts.user:{dossiers.holder_b.pk}"
    assert "DPO" in record.summary
    # An unknown address: a clear message, no 5xx.
    response = client.post(export, {"email": "inconnu@example.org"}, follow=True)
    assert "Aucun compte" in response.content.decode()


def test_a_request_to_the_dpo_notifies_the_dpo_organisation(
    client: Client, applicant_a: User, dpo_member: User
) -> None:
    login(client, applicant_a)
    url = reverse("privacy:dpo_request")
    response = client.post(url, {"topic": "rectification", "text": "  "})
    assert response.status_code == 200
    assert "Erreur" in response.content.decode()
    response = client.post(url, {"topic": "rectification", "text": "Mon adresse e-mail a changé."})
    assert response.status_code == 302
    note = Notification.objects.get(recipient=dpo_member)
    assert "Mon adresse e-mail a changé." in note.body
    assert applicant_a.email in note.body
    assert "corriger" in note.subject


def test_the_newsletter_consent_is_withdrawn_and_given_again(
    client: Client, applicant_a: User
) -> None:
    from applicants.models import ConsentPurpose, ConsentRecord

    login(client, applicant_a)
    client.post(reverse("privacy:newsletter"), {"granted": "1"})
    client.post(reverse("privacy:newsletter"), {"granted": "0"})
    records = ConsentRecord.objects.filter(purpose=ConsentPurpose.NEWSLETTER).order_by("pk")
    assert [r.granted for r in records] == [True, False]
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "vous ne les recevez pas" in page
    assert "version 2026-12" in page


def test_the_notice_and_its_previous_versions_are_public(client: Client) -> None:
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Qui est responsable de vos données" in page
    assert "CNIL" in page
    assert reverse("privacy:notice_version", args=["2026-11"]) in page
    old = client.get(reverse("privacy:notice_version", args=["2026-11"])).content.decode()
    assert "plus la version en vigueur" in old
    assert client.get(reverse("privacy:notice_version", args=["1999-01"])).status_code == 404

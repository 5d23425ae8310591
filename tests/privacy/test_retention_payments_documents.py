"""The IBAN after the last payment, and what the documents app no longer needs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from applicants.models import Structure
from documents.models import Document, ScanStatus
from privacy.retention.document_rules import NEUTRAL_NAME
from privacy.retention.rules import RULES
from privacy.retention.run import retention_run
from tests.factories.applicants import StructureFactory
from tests.steering.builders import Built, dossier, paid

pytestmark = pytest.mark.django_db

PAID = datetime.datetime(2027, 6, 1, 10, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
IBAN = "FR7630006000011234567890189"


def rule(code: str) -> Any:
    return next(r for r in RULES if r.code == code)


def _funded(stage: str = "follow_up") -> Built:
    built = dossier(
        first=PAID - datetime.timedelta(days=300),
        application=(("submitted", PAID - datetime.timedelta(days=200)), (stage, PAID - DAY)),
    )
    assert built.application is not None
    project = built.application.project
    project.structure = StructureFactory.create(holder=project.holder, iban=IBAN, bic="AGRIFRPP")
    project.save(update_fields=["structure"])
    return built


def _limit() -> datetime.datetime:
    return PAID + datetime.timedelta(days=settings.RETENTION_IBAN_AFTER_LAST_PAYMENT_DAYS)


def test_the_iban_is_cleared_after_the_last_payment_and_the_page_says_so(client: Client) -> None:
    built = _funded()
    paid(built, "7000", at=PAID - datetime.timedelta(days=100), position=1)
    paid(built, "3000", at=PAID, position=2)
    assert rule("iban").due(_limit() - DAY).count() == 0
    assert rule("iban").due(_limit() + DAY).count() == 1
    retention_run(now=_limit() + DAY, rules=[rule("iban")])
    structure = Structure.objects.get(pk=built.application.project.structure_id)  # type: ignore[union-attr]
    assert (structure.iban, structure.bic) == ("", "")
    assert structure.bank_details_cleared_at is not None
    assert rule("iban").due(_limit() + DAY).count() == 0
    client.force_login(structure.holder.user)
    page = client.get(f"/structures/{structure.pk}/").content.decode()
    assert "ne sont plus conservées" in page


def test_the_iban_is_kept_while_a_tranche_remains_to_pay() -> None:
    built = _funded()
    paid(built, "7000", at=PAID, position=1)
    paid(built, "3000", at=None, position=2)
    assert rule("iban").due(_limit() + 400 * DAY).count() == 0


def test_the_iban_is_kept_while_another_dossier_of_the_structure_may_be_paid() -> None:
    built = _funded()
    paid(built, "7000", at=PAID, position=1)
    other = _funded(stage="on_agenda")
    assert other.application is not None
    assert built.application is not None
    other.application.project.structure = built.application.project.structure
    other.application.project.save(update_fields=["structure"])
    assert rule("iban").due(_limit() + 400 * DAY).count() == 0


def _deleted_document(owner: Any, *, deleted_at: datetime.datetime) -> Document:
    name = default_storage.save("documents/test/leftover", ContentFile(b"%PDF-1.4"))
    return Document.objects.create(
        owner=owner,
        code="statuts",
        original_name="CNI Dupont.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        storage_name=name,
        scan_status=ScanStatus.CLEAN,
        deleted_at=deleted_at,
    )


def test_a_deleted_documents_name_and_leftover_file_go_after_the_delay(applicant_a: Any) -> None:
    deleted = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)
    document = _deleted_document(applicant_a, deleted_at=deleted)
    limit = deleted + datetime.timedelta(days=settings.RETENTION_DELETED_DOCUMENT_DAYS)
    assert rule("deleted_documents").due(limit - DAY).count() == 0
    retention_run(now=limit + DAY, rules=[rule("deleted_documents")])
    document.refresh_from_db()
    assert (document.original_name, document.storage_name) == (NEUTRAL_NAME, "")
    assert not default_storage.exists("documents/test/leftover")
    again = retention_run(now=limit + DAY, rules=[rule("deleted_documents")])
    assert again.results.get().due == 0

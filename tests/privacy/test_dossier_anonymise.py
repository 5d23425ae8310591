"""Anonymising a funded or refused dossier: nothing of the person is left anywhere, the
figures are."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from documents.models import Document
from privacy.anonymise import dossier_anonymise, person_anonymise
from privacy.retention.document_rules import deleted_documents_due
from tests.privacy.dossiers import PERSONAL
from tests.privacy.scan import where_found
from tests.support.stored_documents import stored_document
from workflows.models import Application

pytestmark = pytest.mark.django_db


def _anonymise_all(application: Application) -> None:
    journey = application.source_journey
    assert dossier_anonymise(journey=journey)
    assert person_anonymise(user=application.holder.user)


def test_the_scan_finds_the_person_before(funded: Application) -> None:
    found = {label for label, _, _ in where_found(PERSONAL)}
    assert {"accounts.user", "applicants.project", "workflows.dossiermessage"} <= found


def test_after_a_funded_dossier_nothing_of_the_person_remains(
    funded: Application, django_capture_on_commit_callbacks: Any
) -> None:
    stored = [d.storage_name for d in Document.objects.filter(application=funded)]
    assert stored
    assert all(storages["default"].exists(name) for name in stored)
    with django_capture_on_commit_callbacks(execute=True):
        _anonymise_all(funded)
    assert where_found(PERSONAL) == []
    assert not any(storages["default"].exists(name) for name in stored)


def test_after_a_refused_dossier_nothing_of_the_person_remains(refused: Application) -> None:
    _anonymise_all(refused)
    assert where_found(PERSONAL) == []


def test_webhook_deliveries_about_the_dossier_go_with_it(
    refused: Application, mel_team: Any
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from api.models import WebhookDelivery, WebhookEvent, WebhookSubscription

    subscription = WebhookSubscription.objects.create(
        organisation=mel_team, url="https://partenaire.example.org/", secret="s" * 64
    )
    WebhookDelivery.objects.create(
        subscription=subscription,
        event=WebhookEvent.TRANCHE_RELEASED,
        payload={"data": {"project_title": "Cantine solidaire"}},
        idempotency_key="k",
        content_type=ContentType.objects.get_for_model(Application),
        object_id=str(refused.pk),
    )
    _anonymise_all(refused)
    assert where_found(PERSONAL) == []


def test_the_files_an_anonymisation_erased_are_not_taken_again_by_the_deleted_documents_rule(
    funded: Application,
) -> None:
    stored_document(funded)
    dossier_anonymise(journey=funded.source_journey)
    erased = Document.objects.filter(application=funded)
    assert erased.exists()
    assert all(document.deleted_at for document in erased)  # erasing dates them
    far = timezone.now() + datetime.timedelta(days=365)
    assert not deleted_documents_due(far).filter(application=funded).exists()

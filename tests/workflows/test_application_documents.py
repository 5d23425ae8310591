"""Documents handed in where they are asked for: one file input per checklist item in the
application form, real files in a temporary MEDIA_ROOT, submission and completeness refused
while a mandatory document has no file."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Organisation, User
from applicants.models import Commune
from documents.models import Document, ScanStatus
from tests.documents.conftest import fake_clamd, media_bytes  # noqa: F401 (a fixture)
from tests.support import sample_files
from tests.support.fake_clamd import EICAR, FakeClamd
from tests.workflows.application_helpers import (
    app_task,
    full_data,
    open_application,
    post_form,
    ready_journey,
    staff_step,
    submitted_application,
)
from workflows.application.services import checklist_documents
from workflows.models import Application, ApplicationStatus, ChecklistItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> Application:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    return open_application(client, journey)


def edit_page(client: Client, application: Application) -> str:
    client.force_login(application.holder.user)
    response = client.get(reverse("workflows:application_edit", args=[application.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def mandatory_codes(application: Application) -> list[str]:
    return [d.code for d in checklist_documents(application=application) if d.is_mandatory]


def test_the_form_asks_each_document_with_a_file_input_and_no_file_name_to_type(
    client: Client, draft: Application
) -> None:
    page = edit_page(client, draft)
    assert 'enctype="multipart/form-data"' in page
    assert "arrive bientôt" not in page
    assert 'name="doc_' not in page
    for document in checklist_documents(application=draft):
        assert escape(document.label) in page
        assert f'id="id_piece_{document.code}"' in page
    assert "PDF, PNG, JPEG, ODT, DOCX, XLSX ou ODS, 10 Mo au plus par fichier" in page


def test_files_chosen_in_the_form_are_stored_and_tick_their_checklist_items(
    client: Client, draft: Application
) -> None:
    holder = draft.holder.user
    response = post_form(client, holder, draft, full_data(draft), "save")
    assert response.status_code == 302
    codes = mandatory_codes(draft)
    stored = Document.objects.filter(application=draft, deleted_at__isnull=True)
    assert sorted(stored.values_list("code", flat=True)) == sorted(codes)
    assert all(document.owner == holder for document in stored)
    assert media_bytes() == sum(document.size for document in stored)
    ticked = ChecklistItem.objects.filter(application=draft)
    assert sorted(ticked.values_list("file_name", flat=True)) == sorted(f"{c}.pdf" for c in codes)

    page = edit_page(client, draft)
    statuts = stored.get(code="statuts")
    # The file handed in replaces the input: its name, size, date and a delete button.
    assert 'id="id_piece_statuts"' not in page
    assert "statuts.pdf" in page
    assert reverse("documents:download", args=[statuts.public_id]) in page
    assert f'form="supprimer-{statuts.public_id}"' in page


def test_a_refused_file_keeps_what_was_typed_and_leaves_no_bytes(
    client: Client, draft: Application
) -> None:
    holder = draft.holder.user
    data = {
        "social_utility": "Un texte long et précieux, tapé une seule fois.",
        "requested_amount": "12000",
        "piece_statuts": SimpleUploadedFile("statuts.pdf", b"ceci n'est pas un PDF"),
    }
    response = post_form(client, holder, draft, data, "save")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Un texte long et précieux, tapé une seule fois." in page
    assert "Le fichier n&#x27;a pas été déposé" in page
    assert 'href="#id_piece_statuts"' in page
    assert 'id="id_piece_statuts_erreur"' in page
    # The error is tied to the file input it is about.
    assert re.search(
        r'id="id_piece_statuts"[^>]*aria-describedby="[^"]*id_piece_statuts_erreur[ "]', page
    )
    assert not Document.objects.filter(application=draft, storage_name__gt="").exists()
    assert media_bytes() == 0
    draft.refresh_from_db()
    assert draft.social_utility == "Un texte long et précieux, tapé une seule fois."
    assert not ChecklistItem.objects.filter(application=draft).exists()


def test_a_file_is_deleted_from_the_form_and_its_item_unticked(
    client: Client, draft: Application
) -> None:
    holder = draft.holder.user
    post_form(client, holder, draft, full_data(draft), "save")
    statuts = Document.objects.get(application=draft, code="statuts")
    client.force_login(holder)
    response = client.post(
        reverse("workflows:application_edit", args=[draft.pk]),
        {"supprimer": str(statuts.public_id)},
    )
    assert response.status_code == 302
    statuts.refresh_from_db()
    assert statuts.deleted_at is not None
    assert not ChecklistItem.objects.filter(application=draft, document__code="statuts").exists()
    draft.refresh_from_db()
    assert draft.requested_amount == 12000  # nothing typed was erased by the deletion
    assert 'id="id_piece_statuts"' in edit_page(client, draft)


def test_submission_lists_each_missing_document_with_a_link_to_its_input(
    client: Client, draft: Application
) -> None:
    data = full_data(draft)
    codes = mandatory_codes(draft)
    for code in codes:
        del data[f"piece_{code}"]
    response = post_form(client, draft.holder.user, draft, data, "submit")
    assert response.status_code == 200
    page = response.content.decode()
    for document in checklist_documents(application=draft):
        if document.is_mandatory:
            sentence = escape(f"Il manque la pièce « {document.label} »")
            assert f'<a href="#id_piece_{document.code}">{sentence}' in page
    assert page.count("Il manque la pièce") == len(codes)
    draft.refresh_from_db()
    assert draft.stage == ApplicationStatus.DRAFT


def _without_file(application: Application, code: str) -> None:
    """A dossier filed before files were asked in the form: its item had a typed name and no
    file (what the migration unticks)."""
    Document.objects.filter(application=application, code=code).delete()
    ChecklistItem.objects.filter(application=application, document__code=code).delete()


def test_staff_cannot_declare_complete_while_a_mandatory_document_is_missing(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    _without_file(application, "statuts")
    client.force_login(mel_staff)
    task = app_task(application, "completeness")
    page = client.get(reverse("workflows:task", args=[task.pk])).content.decode()
    assert "Manquante" in page
    assert "Une pièce obligatoire manque" in page

    refused = staff_step(client, mel_staff, application, "completeness", {"decision": "complete"})
    assert refused.status_code == 200
    assert "Le dossier ne peut pas être déclaré complet : il manque la pièce « Statuts" in (
        refused.content.decode()
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED

    asked = staff_step(
        client,
        mel_staff,
        application,
        "completeness",
        {"decision": "complements", "items": ["doc_statuts"], "message": "Les statuts signés."},
    )
    assert asked.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.INCOMPLETE

    # The holder hands the file in through the form, where only that document is open.
    holder = application.holder.user
    page = edit_page(client, application)
    assert 'id="id_piece_statuts"' in page
    upload = SimpleUploadedFile("statuts-signes.pdf", sample_files.pdf())
    sent = post_form(client, holder, application, {"piece_statuts": upload}, "submit")
    assert sent.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED
    done = staff_step(client, mel_staff, application, "completeness", {"decision": "complete"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.COMPLETE


def test_the_migration_unticks_names_typed_without_a_file_and_keeps_the_history(
    client: Client, draft: Application
) -> None:
    import importlib

    from django.apps import apps

    from workflows.models import ApplicationEdit

    holder = draft.holder.user
    post_form(client, holder, draft, full_data(draft), "save")  # real files for each one
    typed = next(d for d in checklist_documents(application=draft) if not d.is_mandatory)
    ChecklistItem.objects.create(application=draft, document=typed, file_name="bilan.pdf")
    ApplicationEdit.objects.create(
        application=draft, field=f"doc_{typed.code}", new_value="bilan.pdf", editor=holder
    )
    ChecklistItem.objects.filter(application=draft, document__code="statuts").update(
        file_name="ancien nom.pdf"
    )
    migration = importlib.import_module("workflows.migrations.0013_checklist_follows_uploads")
    migration.follow_uploads(apps, None)
    items = dict(
        ChecklistItem.objects.filter(application=draft).values_list("document__code", "file_name")
    )
    assert typed.code not in items
    assert items["statuts"] == "statuts.pdf"
    assert sorted(items) == sorted(mandatory_codes(draft))
    # What was typed stays in the history.
    assert ApplicationEdit.objects.filter(field=f"doc_{typed.code}", new_value="bilan.pdf").exists()


def test_the_form_scans_each_file_and_an_infected_one_is_refused_next_to_its_document(
    client: Client,
    draft: Application,
    fake_clamd: FakeClamd,  # noqa: F811 (the fixture imported above)
) -> None:
    """With the antivirus on: the clean files are stored (and scanned), the infected one is
    refused where it was chosen, its bytes never written, and the rest typed is kept."""
    data = full_data(draft, social_utility="Texte à garder.")
    data["piece_statuts"] = SimpleUploadedFile(
        "statuts.pdf", sample_files.pdf(text="x").replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF")
    )
    response = post_form(client, draft.holder.user, draft, data, "submit")
    assert response.status_code == 200
    page = response.content.decode()
    assert "virus" in page
    assert "Texte à garder." in page
    assert 'id="id_piece_statuts"' in page  # still to hand in
    stored = Document.objects.filter(application=draft).exclude(storage_name="")
    assert "statuts" not in set(stored.values_list("code", flat=True))
    assert {d.scan_status for d in stored} == {ScanStatus.CLEAN}
    assert len(fake_clamd.streams) == len(mandatory_codes(draft))
    assert media_bytes() == sum(d.size for d in stored)
    draft.refresh_from_db()
    assert draft.stage == ApplicationStatus.DRAFT  # not submitted with a file refused

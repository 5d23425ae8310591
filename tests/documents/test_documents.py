"""Uploading, downloading and deleting documents, per persona, with the antivirus and
storage failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, User
from accounts.services import access_grant
from documents import services
from documents.antivirus import ScannerUnavailable, parse_reply, scan_bytes
from documents.models import Document, ScanStatus
from documents.services import document_delete, document_upload
from documents.signals import document_downloaded
from documents.views import attachment_header
from tests.documents.conftest import CODE, media_bytes, upload
from tests.support import sample_files
from tests.support.fake_clamd import EICAR, FakeClamd, closed_port_url
from workflows.application.services import mandate_grant
from workflows.models import Application, ChecklistItem

pytestmark = pytest.mark.django_db

NAME = "Statuts signés.pdf"


def page(application: Application) -> str:
    return reverse("documents:application", args=[application.pk])


def post_file(client: Client, user: User, application: Application, name: str, data: bytes) -> Any:
    client.force_login(user)
    return client.post(page(application), {"code": CODE, "file": SimpleUploadedFile(name, data)})


def stored(application: Application, holder: User, name: str = NAME) -> Document:
    return document_upload(
        application=application,
        actor=holder,
        code=CODE,
        uploaded_file=upload(name, sample_files.pdf()),
    )


def download(client: Client, user: User, document: Document) -> Any:
    """GET the download; a served file is read into ``response.body``. Reading it to the
    end closes it through the test client (calling ``close()`` directly would also close
    the database connection, as at the end of a real request)."""
    client.force_login(user)
    response: Any = client.get(reverse("documents:download", args=[document.public_id]))
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    return response


# Upload per persona ------------------------------------------------------------------------


def test_holder_uploads_and_the_checklist_is_ticked(
    client: Client, draft_application: Application, holder: User
) -> None:
    """The file is stored under a random name in a dated folder and ticks the checklist."""
    response = post_file(client, holder, draft_application, NAME, sample_files.pdf())
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.owner == holder
    assert document.original_name == NAME
    assert document.content_type == "application/pdf"
    assert document.scan_status == ScanStatus.NOT_SCANNED
    parts = document.storage_name.split("/")
    assert parts[0] == "documents"
    assert len(parts[-1]) == 32
    assert "Statuts" not in parts[-1]
    item = ChecklistItem.objects.get(application=draft_application, document__code=CODE)
    assert item.file_name == NAME
    assert media_bytes() == document.size


def test_another_applicant_sees_nothing(
    client: Client, draft_application: Application, holder: User, applicant_b: User
) -> None:
    """Bruno gets 404 on Nadia's documents page, upload and download."""
    document = stored(draft_application, holder)
    client.force_login(applicant_b)
    assert client.get(page(draft_application)).status_code == 404
    assert (
        post_file(client, applicant_b, draft_application, NAME, sample_files.pdf()).status_code
        == 404
    )
    assert download(client, applicant_b, document).status_code == 404
    assert Document.objects.count() == 1


def test_incubator_uploads_only_with_a_mandate(
    client: Client, draft_application: Application, holder: User, incubator_x_member: User
) -> None:
    """Without a mandate the page is read-only and an upload is 403; with one it works."""
    client.force_login(incubator_x_member)
    response = client.get(page(draft_application))
    assert response.status_code == 200
    assert 'type="file"' not in response.content.decode()
    refused = post_file(client, incubator_x_member, draft_application, NAME, sample_files.pdf())
    assert refused.status_code == 403
    assert Document.objects.count() == 0
    assert media_bytes() == 0

    mandate_grant(application=draft_application, actor=holder)
    response = post_file(client, incubator_x_member, draft_application, NAME, sample_files.pdf())
    assert response.status_code == 302
    assert Document.objects.get().owner == incubator_x_member


def test_staff_download_but_may_not_upload(
    client: Client, draft_application: Application, holder: User, mel_staff: User
) -> None:
    document = stored(draft_application, holder)
    assert download(client, mel_staff, document).status_code == 200
    assert (
        post_file(client, mel_staff, draft_application, NAME, sample_files.pdf()).status_code == 403
    )


def test_financier_sees_only_shared_dossiers(
    client: Client,
    draft_application: Application,
    holder: User,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    """404 until the dossier is shared with the financier, then the download works."""
    document = stored(draft_application, holder)
    assert download(client, financier_member, document).status_code == 404
    client.force_login(financier_member)
    assert client.get(page(draft_application)).status_code == 404
    access_grant(organisation=financier_f, obj=draft_application, actions=("view",))
    assert download(client, financier_member, document).status_code == 200


def test_holder_may_not_upload_once_submitted(
    client: Client, draft_application: Application, holder: User
) -> None:
    Application.objects.filter(pk=draft_application.pk).update(stage="submitted")
    response = post_file(client, holder, draft_application, NAME, sample_files.pdf())
    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_refused_upload_shows_the_reason_and_saves_nothing(
    client: Client, draft_application: Application, holder: User
) -> None:
    response = post_file(client, holder, draft_application, "page.pdf", b"<html>hello</html>")
    assert response.status_code == 400
    assert "Le contenu ne correspond pas à l&#x27;extension .pdf." in response.content.decode()
    assert Document.objects.count() == 0
    assert media_bytes() == 0


def test_code_not_asked_is_refused(draft_application: Application, holder: User) -> None:
    with pytest.raises(ApplicationError, match="pas demandée"):
        document_upload(
            application=draft_application,
            actor=holder,
            code="inconnu",
            uploaded_file=upload(NAME, sample_files.pdf()),
        )


# Download ----------------------------------------------------------------------------------


def test_download_headers(client: Client, draft_application: Application, holder: User) -> None:
    """Attachment with the UTF-8 name, nosniff, the detected type, the exact bytes."""
    document = stored(draft_application, holder)
    response = download(client, holder, document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]  # an uploaded file is never cached
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Statuts%20sign%C3%A9s.pdf" in disposition
    assert response.body == sample_files.pdf()


def test_attachment_header_neutralises_quotes() -> None:
    header = attachment_header('a";b\\c é.pdf')
    assert header == (
        "attachment; filename=\"abc e.pdf\"; filename*=UTF-8''a%22%3Bb%5Cc%20%C3%A9.pdf"
    )


def test_download_is_signalled_for_the_audit_trail(
    client: Client, draft_application: Application, holder: User
) -> None:
    document = stored(draft_application, holder)
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    document_downloaded.connect(receiver, dispatch_uid="test-documents-download")
    try:
        download(client, holder, document)
    finally:
        document_downloaded.disconnect(dispatch_uid="test-documents-download")
    assert len(received) == 1
    assert received[0]["document"] == document
    assert received[0]["user"] == holder


@pytest.mark.parametrize("status", [ScanStatus.PENDING, ScanStatus.INFECTED])
def test_pending_or_infected_never_served(
    client: Client, draft_application: Application, holder: User, status: str
) -> None:
    """Even with bytes on disk, a document not known clean is answered 409."""
    document = stored(draft_application, holder)
    Document.objects.filter(pk=document.pk).update(scan_status=status)
    response = download(client, holder, document)
    assert response.status_code == 409
    assert "%PDF" not in response.content.decode()


# Antivirus ---------------------------------------------------------------------------------


def test_infected_upload_is_refused_and_kept_as_a_trace(
    client: Client, draft_application: Application, holder: User, fake_clamd: FakeClamd
) -> None:
    infected = sample_files.pdf(text="x").replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF")
    response = post_file(client, holder, draft_application, NAME, infected)
    assert response.status_code == 400
    assert "virus" in response.content.decode()
    document = Document.objects.get()
    assert document.scan_status == ScanStatus.INFECTED
    assert document.scan_signature == "Eicar-Signature"
    assert document.storage_name == ""
    assert media_bytes() == 0
    assert download(client, holder, document).status_code == 409
    assert not ChecklistItem.objects.filter(application=draft_application).exists()


def test_clean_upload_is_marked_clean(
    draft_application: Application, holder: User, fake_clamd: FakeClamd
) -> None:
    assert stored(draft_application, holder).scan_status == ScanStatus.CLEAN
    assert fake_clamd.streams == [len(sample_files.pdf())]


def test_unreachable_clamd_refuses_the_upload(
    settings: Any, draft_application: Application, holder: User
) -> None:
    settings.CLAMD_URL = closed_port_url()
    with pytest.raises(ApplicationError, match="antivirus est momentanément indisponible"):
        stored(draft_application, holder)
    assert Document.objects.count() == 0
    assert media_bytes() == 0


def test_clamd_replies_are_parsed() -> None:
    assert parse_reply("stream: OK").infected is False
    found = parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND")
    assert found.infected
    assert found.signature == "Win.Test.EICAR_HDB-1"
    with pytest.raises(ScannerUnavailable):
        parse_reply("INSTREAM size limit exceeded. ERROR")
    with pytest.raises(ScannerUnavailable):
        scan_bytes(b"x", url="http://clamd:3310", timeout=1)


# Failures leave nothing ----------------------------------------------------------------------


def test_failed_write_leaves_no_bytes(
    monkeypatch: pytest.MonkeyPatch, draft_application: Application, holder: User
) -> None:
    """The storage writes half the file then fails: the half is deleted, no row."""

    def half_then_fail(self: FileSystemStorage, name: str, content: Any) -> str:
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.read()[:100])
        raise OSError("disque plein")

    monkeypatch.setattr(FileSystemStorage, "_save", half_then_fail)
    with pytest.raises(ApplicationError, match="n'a pas pu être enregistré"):
        stored(draft_application, holder)
    assert Document.objects.count() == 0
    assert media_bytes() == 0


def test_failure_after_the_write_deletes_the_file(
    monkeypatch: pytest.MonkeyPatch, draft_application: Application, holder: User
) -> None:
    def refuse(**kwargs: Any) -> None:
        raise ApplicationError("La candidature n'est plus modifiable à cette étape.")

    monkeypatch.setattr(services, "_checklist_sync", refuse)
    with pytest.raises(ApplicationError):
        stored(draft_application, holder)
    assert Document.objects.count() == 0
    assert media_bytes() == 0


# Deletion and the page ---------------------------------------------------------------------


def test_delete_is_soft_and_removes_the_bytes(
    client: Client,
    draft_application: Application,
    holder: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = stored(draft_application, holder, "ancien.pdf")
    second = stored(draft_application, holder, "nouveau.pdf")
    item = ChecklistItem.objects.get(application=draft_application)
    assert item.file_name == "nouveau.pdf"
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:delete", args=[second.public_id]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.deleted_at is not None
    assert ChecklistItem.objects.get(application=draft_application).file_name == "ancien.pdf"
    assert media_bytes() == first.size
    assert download(client, holder, second).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=first, actor=holder)
    assert not ChecklistItem.objects.filter(application=draft_application).exists()
    assert media_bytes() == 0


def test_others_may_not_delete(
    client: Client, draft_application: Application, holder: User, incubator_x_member: User
) -> None:
    document = stored(draft_application, holder)
    client.force_login(incubator_x_member)
    response = client.post(reverse("documents:delete", args=[document.public_id]))
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.deleted_at is None


def test_page_lists_documents_in_a_constant_number_of_queries(
    client: Client, draft_application: Application, holder: User
) -> None:
    client.force_login(holder)
    stored(draft_application, holder)
    with CaptureQueriesContext(connection) as one:
        assert client.get(page(draft_application)).status_code == 200
    for index in range(5):
        stored(draft_application, holder, f"piece-{index}.pdf")
    with CaptureQueriesContext(connection) as six:
        response = client.get(page(draft_application))
    assert response.status_code == 200
    assert "piece-4.pdf" in response.content.decode()
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]

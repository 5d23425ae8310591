"""Uploading, opening and deleting documents. Typed, keyword-only, never given a request.

A failed upload leaves no bytes behind: the permission check, the validation and the
antivirus scan all run on the bytes in memory before anything is written; if the write
itself or the database insert fails, the partial file is deleted.

Antivirus choice: when ``CLAMD_URL`` is set and clamd cannot be reached, the upload is
refused with a French message (nothing stored) rather than kept pending — a pending file
could never be served anyway and would need a retry queue. An infected file is never
written; its row is kept (status ``infected``, no storage name) as a trace.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import User
from workflows.application.services import active_mandate, checklist_documents, editable_fields
from workflows.engine import process_lock
from workflows.models import Application, ApplicationEdit, ChecklistItem

from .antivirus import ScannerUnavailable, ScanResult, scan_bytes
from .models import Document, ScanStatus
from .selectors import ChecklistRow, document_checklist, documents_may_fill
from .signals import document_downloaded
from .validation import ACCEPT_ATTRIBUTE, CheckedFile, human_size, validate_upload

logger = logging.getLogger(__name__)

SCANNER_DOWN = (
    "L'analyse antivirus est momentanément indisponible : le fichier n'a pas été enregistré. "
    "Réessayez dans quelques minutes."
)
WRITE_FAILED = "Le fichier n'a pas pu être enregistré : réessayez dans quelques instants."


class DocumentUnavailable(ApplicationError):
    """The document exists but may not be served (pending scan, infected, bytes missing)."""


def document_storage() -> Storage:
    return storages["default"]


def document_upload(
    *, application: Application, actor: User, code: str, uploaded_file: UploadedFile
) -> Document:
    """Check, scan, store under a random name and record a file for the checklist item
    ``code`` of ``application``; the checklist is ticked with the file's name. Raises
    ``ApplicationError`` (French message) with nothing written on any refusal."""
    _fill_check(application=application, actor=actor, code=code)
    data = _read_upload(uploaded_file)
    checked = validate_upload(name=uploaded_file.name or "", data=data)
    verdict = _scan(data)
    if verdict is not None and verdict.infected:
        _record_infected(application, actor, code, checked, verdict.signature)
        raise ApplicationError(
            f"L'antivirus a détecté un virus dans ce fichier ({verdict.signature}) : "
            "il a été refusé."
        )
    status = ScanStatus.NOT_SCANNED if verdict is None else ScanStatus.CLEAN
    storage_name = _write(data)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                owner=actor,
                application=application,
                code=code,
                original_name=checked.display_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                storage_name=storage_name,
                scan_status=status,
            )
            _checklist_sync(application=application, actor=actor, code=code)
    except BaseException:
        document_storage().delete(storage_name)
        raise
    return document


def document_delete(*, document: Document, actor: User) -> Document:
    """Soft-delete: the row stays (with ``deleted_at``), the bytes go once committed, and
    the checklist item falls back on the code's latest remaining file (or is unticked)."""
    if document.deleted_at is not None:
        raise ApplicationError("Ce document a déjà été supprimé.")
    application = document.application
    if application is None:
        if actor.pk != document.owner_id:
            raise ApplicationError("Seule la personne qui a déposé ce document peut le supprimer.")
    else:
        _fill_check(application=application, actor=actor, code=document.code)
    name = document.storage_name
    with transaction.atomic():
        document.deleted_at = timezone.now()
        document.save(update_fields=["deleted_at"])
        if application is not None:
            _checklist_sync(application=application, actor=actor, code=document.code)
        if name:
            transaction.on_commit(lambda: document_storage().delete(name))
    return document


def document_open(*, document: Document, user: User) -> File:
    """Open a servable document's bytes for ``user`` and signal the download (audit).
    Raises ``DocumentUnavailable`` while pending, when infected, deleted or missing."""
    if document.deleted_at is not None:
        raise DocumentUnavailable("Ce document a été supprimé.")
    if document.scan_status == ScanStatus.INFECTED:
        raise DocumentUnavailable("Ce document a été refusé par l'antivirus : il n'est pas servi.")
    if not document.is_servable:
        raise DocumentUnavailable(
            "Ce document est en cours d'analyse antivirus : réessayez dans quelques minutes."
        )
    try:
        handle = document_storage().open(document.storage_name, "rb")
    except FileNotFoundError as error:
        logger.error("Document %s: stored file %s is missing", document.pk, document.storage_name)
        raise DocumentUnavailable("Le fichier de ce document est introuvable.") from error
    document_downloaded.send(sender=Document, document=document, user=user)
    return handle


def _fill_check(*, application: Application, actor: User, code: str) -> None:
    if not documents_may_fill(application=application, user=actor):
        raise ApplicationError(
            "Vous ne pouvez pas déposer de pièces sur cette candidature : seul·e le ou la "
            "porteur·se, ou sa structure d'accompagnement avec un mandat, le peut tant que "
            "la candidature est modifiable."
        )
    allowed = editable_fields(application=application)
    if allowed is not None and f"doc_{code}" not in allowed:
        raise ApplicationError("Cette pièce n'est pas modifiable à cette étape.")
    if code not in {required.code for required in checklist_documents(application=application)}:
        raise ApplicationError("Cette pièce n'est pas demandée pour cette candidature.")


def _read_upload(uploaded_file: UploadedFile) -> bytes:
    """At most one byte more than the limit: enough to refuse, never the whole of a huge
    upload in memory."""
    uploaded_file.seek(0)
    return uploaded_file.read(settings.DOCUMENT_MAX_BYTES + 1)


def _scan(data: bytes) -> ScanResult | None:
    url = settings.CLAMD_URL
    if not url:
        return None
    try:
        return scan_bytes(data, url=url, timeout=settings.CLAMD_TIMEOUT)
    except ScannerUnavailable as error:
        logger.error("clamd unavailable at %s: %s", url, error)
        raise ApplicationError(SCANNER_DOWN) from error


def _record_infected(
    application: Application, actor: User, code: str, checked: CheckedFile, signature: str
) -> None:
    Document.objects.create(
        owner=actor,
        application=application,
        code=code,
        original_name=checked.display_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        scan_status=ScanStatus.INFECTED,
        scan_signature=signature[:200],
    )
    logger.warning("Infected upload refused (%s) by user %s", signature, actor.pk)


def _write(data: bytes) -> str:
    """Store under ``documents/<year>/<month>/<random hex>``; delete any partial file."""
    storage = document_storage()
    name = f"documents/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"
    try:
        saved = storage.save(name, ContentFile(data))
    except OSError as error:
        storage.delete(name)
        logger.exception("Document write failed for %s", name)
        raise ApplicationError(WRITE_FAILED) from error
    except BaseException:
        storage.delete(name)
        raise
    return saved


def _checklist_sync(*, application: Application, actor: User, code: str) -> None:
    """Tick the checklist item with the code's latest stored file name, or untick it, in
    the transaction that stores or deletes the file: a ticked item always has a file. The
    change goes to the application's edit history like a typed one (``_fill_check`` has
    checked who may act and that the document is asked)."""
    latest = (
        Document.objects.filter(application=application, code=code, deleted_at__isnull=True)
        .exclude(storage_name="")
        .order_by("-uploaded_at", "-pk")
        .values_list("original_name", flat=True)
        .first()
        or ""
    )
    with process_lock(application):
        required = next(d for d in checklist_documents(application=application) if d.code == code)
        item = ChecklistItem.objects.filter(application=application, document=required).first()
        if (item.file_name if item else "") == latest:
            return
        ApplicationEdit.objects.create(
            application=application,
            field=f"doc_{code}",
            old_value=item.file_name if item else "",
            new_value=latest,
            editor=actor,
            mandate=None
            if actor.pk == application.holder_id
            else active_mandate(application=application),
        )
        if item is None:
            ChecklistItem.objects.create(
                application=application, document=required, file_name=latest
            )
        elif latest:
            item.file_name = latest
            item.save(update_fields=["file_name"])
        else:
            item.delete()


class DocumentStore:
    """The attachments store the application's pages use (``workflows.application.
    attachments``): this app's checklist, upload and deletion."""

    accept = ACCEPT_ATTRIBUTE

    @property
    def formats(self) -> str:
        return (
            "PDF, PNG, JPEG, ODT, DOCX, XLSX ou ODS, "
            f"{human_size(settings.DOCUMENT_MAX_BYTES)} au plus par fichier"
        )

    def checklist(self, *, application: Application) -> list[ChecklistRow]:
        return document_checklist(application=application)

    def upload(
        self, *, application: Application, actor: User, code: str, uploaded_file: UploadedFile
    ) -> Document:
        return document_upload(
            application=application, actor=actor, code=code, uploaded_file=uploaded_file
        )

    def delete(self, *, application: Application, actor: User, public_id: str) -> Document:
        document = (
            Document.objects.filter(
                application=application, public_id=public_id, deleted_at__isnull=True
            ).first()
            if _is_uuid(public_id)
            else None
        )
        if document is None:
            raise ApplicationError("Ce document n'existe pas ou a déjà été supprimé.")
        return document_delete(document=document, actor=actor)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except (ValueError, TypeError):
        return False
    return True

"""A dossier's file stored as an upload leaves it: bytes on disk, a row that points to them."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from documents.models import Document, ScanStatus
from workflows.models import Application


def stored_document(application: Application, name: str = "statuts.pdf") -> Document:
    """The holder's ``statuts`` for ``application``; its bytes hold its name, so that a
    search of the storage or of an export finds them."""
    data = b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n"
    storage_name = default_storage.save(f"documents/test/{application.pk}", ContentFile(data))
    return Document.objects.create(
        owner=application.holder.user,
        application=application,
        code="statuts",
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
        storage_name=storage_name,
        scan_status=ScanStatus.NOT_SCANNED,
    )

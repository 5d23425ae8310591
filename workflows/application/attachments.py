"""What the application's pages need from the attachments store.

The store lives a layer above (``documents``: it checks, scans, stores and serves files, and
ticks the checklist through ``services.application_checklist_sync``). The filling page and
the completeness page need it, but may not import it; so the stage says here what it needs,
and ``documents`` registers its store when Django starts (``DocumentsConfig.ready``).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from workflows.models import Application


class AttachmentStore(Protocol):
    # The ``accept`` attribute of a file input.
    accept: str

    @property
    def formats(self) -> str:
        """The formats and the size allowed, in words."""

    def checklist(self, *, application: Application) -> list[Any]:
        """One row per document asked (``code``, ``label``, ``help_text``,
        ``is_mandatory``, ``documents``: the files handed in, newest last)."""

    def upload(
        self, *, application: Application, actor: User, code: str, uploaded_file: UploadedFile
    ) -> Any:
        """Check, scan and store one file for ``code``; ``ApplicationError`` (French
        message) with nothing written when refused."""

    def delete(self, *, application: Application, actor: User, public_id: str) -> Any:
        """Delete one file of the dossier; ``ApplicationError`` when refused."""


_registered: list[AttachmentStore] = []


def attachments_register(store: AttachmentStore) -> None:
    _registered[:] = [store]


def attachments() -> AttachmentStore:
    if not _registered:
        raise ImproperlyConfigured("No attachment store: is the documents app installed?")
    return _registered[0]

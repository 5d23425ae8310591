"""Erasing the bytes of uploaded documents: the rows stay as a trace (type, size, dates),
without the name the person gave the file, its fingerprint or any byte."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from documents.models import Document
from documents.services import document_storage

from .texts import FILE_ERASED


def documents_erase(documents: QuerySet[Document]) -> int:
    """Blank the rows of ``documents`` and delete their bytes once committed (a rolled back
    anonymisation keeps them). Idempotent: the number of documents that still had a name,
    a fingerprint or bytes."""
    pending = documents.filter(~Q(storage_name="") | ~Q(original_name=FILE_ERASED) | ~Q(sha256=""))
    names = [name for name in pending.values_list("storage_name", flat=True) if name]
    count = pending.update(
        storage_name="",
        original_name=FILE_ERASED,
        sha256="",
        deleted_at=Coalesce("deleted_at", Value(timezone.now())),
    )
    if names:
        transaction.on_commit(lambda: _delete_bytes(names))
    return count


def _delete_bytes(names: list[str]) -> None:
    storage = document_storage()
    for name in names:
        storage.delete(name)

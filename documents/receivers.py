"""Infrastructure receivers: a document row deleted for good (e.g. with its application)
takes its bytes with it once the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import Document


def delete_stored_file(sender: type[Document], instance: Document, **kwargs: Any) -> None:
    if not instance.storage_name:
        return
    from .services import document_storage

    name = instance.storage_name
    transaction.on_commit(lambda: document_storage().delete(name))

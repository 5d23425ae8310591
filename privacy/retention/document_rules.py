"""What the documents app keeps that is no longer needed.

A document deleted by whoever handed it in (or by staff), or refused by the antivirus, keeps
its row as a trace (what was handed in, when, its size and checksum) but its bytes go at once
(``documents.services``). ``RETENTION_DELETED_DOCUMENT_DAYS`` later this rule makes sure the
bytes are gone (a deletion interrupted after its commit leaves them on disk) and replaces the
original file name, which often names a person ("CNI Dupont.pdf"), by a neutral label.

Kept on purpose: the earlier versions of a piece replaced by a newer upload (the instruction
may have read them: they are part of the dossier and follow its retention), and the files of
the dossiers themselves (the dossier rules). Export files purge themselves
(``EXPORT_RETENTION_HOURS``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from documents.models import Document, ScanStatus
from documents.services import document_storage
from privacy.anonymise.texts import FILE_ERASED

from .rules import Outcome, RetentionRule, register

NEUTRAL_NAME = "document supprimé"


def deleted_documents_due(now: datetime.datetime) -> QuerySet[Any]:
    limit = now - datetime.timedelta(days=settings.RETENTION_DELETED_DOCUMENT_DAYS)
    gone = Q(deleted_at__lt=limit) | Q(scan_status=ScanStatus.INFECTED, uploaded_at__lt=limit)
    return (
        Document.objects.filter(gone)
        # Done already, by this rule or by a dossier's anonymisation (its own label).
        .exclude(storage_name="", original_name__in=(NEUTRAL_NAME, FILE_ERASED))
        .order_by("pk")
    )


def deleted_document_clear(document: Document) -> None:
    if document.storage_name:
        document_storage().delete(document.storage_name)  # no error when already gone
    Document.objects.filter(pk=document.pk).update(storage_name="", original_name=NEUTRAL_NAME)


register(
    RetentionRule(
        code="deleted_documents",
        label="Documents supprimés ou refusés par l'antivirus : fichier et nom d'origine",
        setting="RETENTION_DELETED_DOCUMENT_DAYS",
        after="après la suppression ou le refus",
        basis=(
            "Minimisation (art. 5-1-c RGPD) : la ligne reste comme trace du dépôt (taille, "
            "empreinte, dates), sans le fichier ni son nom d'origine."
        ),
        outcome=Outcome.CLEARED,
        due=deleted_documents_due,
        apply=deleted_document_clear,
    )
)

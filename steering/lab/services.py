"""Handing the extract to someone: the download is recorded in the audit trail (who, when,
how many rows of each file) before the first byte leaves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

from .archive import FILES, zip_chunks

OBJECT_REF = "steering.labdataset"


@dataclass(frozen=True)
class LabDownload:
    filename: str
    counts: dict[str, int]
    chunks: Iterator[bytes]


def lab_dataset_counts() -> dict[str, int]:
    return {lab_file.name: lab_file.count() for lab_file in FILES}


def lab_dataset_download(*, actor: AbstractBaseUser) -> LabDownload:
    """Record the download, then return the ZIP, generated as it is read."""
    today = timezone.localdate()
    counts = lab_dataset_counts()
    rows = ", ".join(f"{name} : {count}" for name, count in counts.items())
    audit_record(
        action=AuditAction.DOWNLOAD,
        actor=actor,
        object_ref=OBJECT_REF,
        summary=f"Extrait pseudonymisé du laboratoire d'évaluation téléchargé ({rows}).",
        after={"lignes": counts},
    )
    return LabDownload(
        filename=f"extrait-labo-ess-{today.isoformat()}.zip",
        counts=counts,
        chunks=zip_chunks(extracted_on=today, counts=counts),
    )

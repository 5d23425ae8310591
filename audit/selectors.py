"""Reading the audit journal: a dossier's records, and the verification of the chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .models import GENESIS_HASH, AuditRecord

DOSSIER_PANEL_LIMIT = 200


def audit_of_dossier(
    dossier_ref: str, *, limit: int = DOSSIER_PANEL_LIMIT
) -> QuerySet[AuditRecord]:
    """The dossier's records, newest first, at most ``limit`` (one indexed query)."""
    return AuditRecord.objects.filter(dossier_ref=dossier_ref).order_by("-seq")[:limit]


def audit_panel(*, user: Any, dossier_ref: str) -> list[AuditRecord] | None:
    """The dossier's records for MEL staff (``is_staff``); ``None`` hides the panel."""
    if not user.is_staff:
        return None
    return list(audit_of_dossier(dossier_ref))


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_hash: str = ""
    broken_at: int | None = None
    problem: str = ""
    expected: str = ""
    stored: str = ""


def audit_chain_break(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in ``seq`` order; stop at the first broken link."""
    checked, prev_seq, prev_hash = 0, 0, GENESIS_HASH
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if record.seq != prev_seq + 1:
            return ChainReport(
                checked,
                prev_hash,
                record.seq,
                "numéro manquant",
                str(prev_seq + 1),
                str(record.seq),
            )
        if record.prev_hash != prev_hash:
            return ChainReport(
                checked,
                prev_hash,
                record.seq,
                "lien vers le précédent",
                prev_hash,
                record.prev_hash,
            )
        expected = record.compute_hash()
        if record.hash != expected:
            return ChainReport(
                checked, prev_hash, record.seq, "contenu modifié", expected, record.hash
            )
        checked, prev_seq, prev_hash = checked + 1, record.seq, record.hash
    return ChainReport(checked, prev_hash if checked else "")

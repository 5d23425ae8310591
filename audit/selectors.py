"""Reading the audit journal: a dossier's records, a person's records, and the verification
of the chain.

Records name people by identity key (``audit.models``); reading puts back each person's
current label, or « personne effacée » once erased. The labels come with the records, in the
same query (the identities of the actor and of the subject are joined): a page of records
costs one query whatever its length. Version 1 records show the names they were written with.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import (
    GENESIS_HASH,
    LEGACY_VERSION,
    TOKEN_RE,
    AuditIdentity,
    AuditRecord,
)

DOSSIER_PANEL_LIMIT = 200
IDENTITIES = ("actor_identity", "subject_identity")

ERASED = _("personne effacée")
SYSTEM = _("système")


@dataclass(frozen=True)
class AuditLine:
    """One record as people read it: who (label, or « personne effacée », or « système »),
    what (the action's label and the summary with every person's label put back)."""

    seq: int
    at: datetime.datetime
    action: str
    action_label: str
    actor: str
    text: str
    object_ref: str
    dossier_ref: str


def _label(identity: AuditIdentity | None) -> str:
    return str(ERASED) if identity is None or identity.is_erased else identity.label


def audit_lines(records: Iterable[AuditRecord]) -> list[AuditLine]:
    """The records, readable. Records loaded with ``select_related(*IDENTITIES)`` cost no
    query; any other key (not joined, or a token naming neither actor nor subject) is read
    in one query for them all."""
    records = list(records)
    labels: dict[str, str] = {}
    wanted: set[str] = set()
    for record in records:
        if record.version == LEGACY_VERSION:
            continue
        for name in IDENTITIES:
            key = getattr(record, f"{name}_id")
            if key is not None and name in record._state.fields_cache:
                labels[key] = _label(getattr(record, name))
            elif key is not None:
                wanted.add(key)
        wanted.update(TOKEN_RE.findall(record.summary))
    wanted -= labels.keys()
    if wanted:
        for identity in AuditIdentity.objects.filter(key__in=wanted):
            labels[identity.key] = _label(identity)
    return [_line(record, labels) for record in records]


def _line(record: AuditRecord, labels: dict[str, str]) -> AuditLine:
    if record.version == LEGACY_VERSION:
        actor, text = record.actor_label or str(SYSTEM), record.summary
    else:
        key = record.actor_identity_id
        actor = labels.get(key, str(ERASED)) if key else str(SYSTEM)
        text = TOKEN_RE.sub(lambda m: labels.get(m[1], str(ERASED)), record.summary)
    return AuditLine(
        seq=record.seq,
        at=record.at,
        action=record.action,
        action_label=str(record.get_action_display()),
        actor=actor,
        text=text,
        object_ref=record.object_ref,
        dossier_ref=record.dossier_ref,
    )


def audit_of_dossier(
    dossier_ref: str, *, limit: int = DOSSIER_PANEL_LIMIT
) -> QuerySet[AuditRecord]:
    """The dossier's records, newest first, at most ``limit``, with the identities they
    name (one indexed query)."""
    records = AuditRecord.objects.filter(dossier_ref=dossier_ref).select_related(*IDENTITIES)
    return records.order_by("-seq")[:limit]


def audit_panel(*, user: Any, dossier_ref: str) -> list[AuditLine] | None:
    """The dossier's records, readable, for MEL staff (``is_staff``); ``None`` hides the
    panel. One query."""
    if not user.is_staff:
        return None
    return audit_lines(audit_of_dossier(dossier_ref))


def records_about_user(*, user_id: int) -> list[AuditLine]:
    """Every record about a person, oldest first, readable: for the subject-access export.

    A record is about the person when they acted (``actor``), when it is about their account
    (``object_ref`` ``accounts.user:<id>``: sign-ins and sign-outs), or when it names them by
    their identity: as its actor or subject (a right granted to them), or as a failed sign-in
    typed with their account's identifier. Identities already erased name nobody any more:
    their records are no longer found (version 1 records are, through ``actor``).

    Returns a list of ``AuditLine`` (frozen dataclass; ``dataclasses.asdict`` gives a dict):
    ``seq`` (int, the record's number in the chain), ``at`` (aware datetime, UTC),
    ``action`` (code, e.g. ``"login"``) and ``action_label`` (French label), ``actor`` (who
    acted: a label, « personne effacée » or « système »), ``text`` (the summary with each
    person's label put back), ``object_ref`` and ``dossier_ref`` (``"app.model:pk"`` or
    ``""``). Three queries whatever the number of records.
    """
    user_model = get_user_model()
    identifier = (
        user_model._default_manager.filter(pk=user_id)
        .values_list(user_model.USERNAME_FIELD, flat=True)
        .first()
    )
    mine = Q(user_id=user_id)
    if identifier:
        mine |= Q(user=None, erased_at=None, label__iexact=identifier)
    keys = list(AuditIdentity.objects.filter(mine).values_list("key", flat=True))
    about = Q(actor_id=user_id) | Q(object_ref=f"{user_model._meta.label_lower}:{user_id}")
    if keys:
        about |= Q(actor_identity__in=keys) | Q(subject_identity__in=keys)
    records = AuditRecord.objects.filter(about).select_related(*IDENTITIES).order_by("seq")
    return audit_lines(records)


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

"""The audit record: one line of an append-only, hash-chained journal, and the erasable
identities through which its records name people.

Each record stores the SHA-256 of the previous record (``prev_hash``) and its own hash over a
canonical JSON of its immutable fields plus ``prev_hash`` (``chain_hash``). Changing,
removing or inserting a record therefore breaks the chain from that point on, which
``manage.py verify_audit_chain`` reports.

Append-only is enforced at three levels: the model and its queryset refuse updates and
deletes; on PostgreSQL a trigger refuses UPDATE and DELETE on the table (migration 0002).
A database superuser, or the table's owner, can still disable the trigger or TRUNCATE the
table: the chain is what detects such tampering, not what prevents it.

People and erasure (format version 2). A record never holds a name, an e-mail or an
identifier typed at sign-in: it names people through the random key of an ``AuditIdentity``
(``actor_key`` for who acted, ``subject_key`` for whom it is about, and ``⟦p:KEY⟧`` tokens in
the summary and the before/after states). The identity row, outside the chain, maps the key
to a readable label; erasing a person blanks that label (``audit.services``), and every hash
stays valid since the hash covers the keys, never the labels. Records written before this
format (version 1) kept ``actor_label`` and names in their text: the hash covers them, so they
can be neither rewritten nor erased (see docs/personal-data.md, "How the audit trail coexists
with erasure").
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import secrets
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64

# Version 1: the actor's name and e-mail in ``actor_label``, names in the text. Version 2:
# people only through identity keys. Only ``audit.services.audit_record`` writes records and
# it writes the current version; the column's default is 1, what the rows written before the
# field existed are.
RECORD_VERSION = 2
LEGACY_VERSION = 1

KEY_LENGTH = 22  # 16 random bytes, url-safe base64
KEY_PATTERN = rf"[A-Za-z0-9_-]{{{KEY_LENGTH}}}"
# How a record's text names a person: ⟦p:KEY⟧, KEY an ``AuditIdentity.key``.
TOKEN_RE = re.compile(rf"⟦p:({KEY_PATTERN})⟧")


def person_token(key: str) -> str:
    """The text standing for a person in a record's summary and states."""
    return f"⟦p:{key}⟧"


def new_identity_key() -> str:
    return secrets.token_urlsafe(16)


class AuditAction(models.TextChoices):
    TRANSITION = "transition", _("Étape du parcours")
    GRANT = "grant", _("Droit accordé")
    REVOKE = "revoke", _("Droit retiré")
    DECISION = "decision", _("Décision")
    DOWNLOAD = "download", _("Téléchargement de document")
    LOGIN = "login", _("Connexion")
    LOGIN_FAILED = "login_failed", _("Échec de connexion")
    LOGOUT = "logout", _("Déconnexion")
    MEMBERSHIP = "membership", _("Appartenance à une organisation")


class AuditIdentity(models.Model):
    """A person as the audit trail names them: a random key, and a label to read it by.

    One identity per user (``user``, unique while linked) and one per identifier typed in a
    failed sign-in (no user). Erasing blanks the label, sets ``erased_at`` and drops the link
    to the user: the records keep the key, which then names nobody. Rows are never deleted
    (a key must not be handed out again).
    """

    key = models.CharField(
        _("clé"), max_length=KEY_LENGTH, unique=True, default=new_identity_key, editable=False
    )
    # No database constraint nor cascade, as for the records' actor: deleting an account
    # changes no identity; erasing it is ``audit_identities_erase``.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the constraint below indexes it
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    label = models.TextField(_("libellé"), blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    erased_at = models.DateTimeField(_("effacée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("identité du journal d'audit")
        verbose_name_plural = _("identités du journal d'audit")
        constraints = [models.UniqueConstraint(fields=["user"], name="audit_identity_one_per_user")]

    def __str__(self) -> str:
        return self.key

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None or not self.label


class AppendOnlyError(Exception):
    """The audit journal is append-only: records are never changed nor removed."""


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Le journal d'audit ne se modifie pas.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Le journal d'audit ne se supprime pas.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Ajoutez au journal d'audit par audit.services.audit_record.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Le journal d'audit ne se modifie pas.")


class AuditRecord(models.Model):
    """One audited event. Only ``audit.services.audit_record`` creates them."""

    seq = models.PositiveBigIntegerField(_("numéro"), unique=True)
    at = models.DateTimeField(_("date"))
    # No database constraint and no cascade: deleting a user changes no record (the chain
    # covers ``actor_id``, kept as it was; once the account is gone the number names nobody).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    # Version 1 only: the actor's name and e-mail. Empty from version 2 on.
    actor_label = models.CharField(_("auteur (libellé)"), max_length=254, blank=True)
    version = models.PositiveSmallIntegerField(_("version du format"), default=LEGACY_VERSION)
    # Version 2: who acted and whom the record is about, by identity key. Foreign keys on the
    # key (no constraint) so that a page reads the labels in the same query as the records.
    actor_identity = models.ForeignKey(
        AuditIdentity,
        to_field="key",
        db_column="actor_key",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # indexed in Meta, without a useless pattern-matching twin
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur (clé)"),
    )
    subject_identity = models.ForeignKey(
        AuditIdentity,
        to_field="key",
        db_column="subject_key",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # indexed in Meta, without a useless pattern-matching twin
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne concernée (clé)"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_ref = models.CharField(_("objet"), max_length=120, blank=True)
    dossier_ref = models.CharField(_("dossier"), max_length=80, blank=True)
    summary = models.TextField(_("résumé"))
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)
    prev_hash = models.CharField(_("empreinte précédente"), max_length=64)
    hash = models.CharField(_("empreinte"), max_length=64)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("enregistrement d'audit")
        verbose_name_plural = _("enregistrements d'audit")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["dossier_ref", "-seq"], name="audit_dossier_seq_idx"),
            # A person's records, for the subject-access export.
            models.Index(fields=["actor_identity"], name="audit_actor_key_idx"),
            models.Index(fields=["subject_identity"], name="audit_subject_key_idx"),
        ]

    def __str__(self) -> str:
        return f"n° {self.seq} — {self.get_action_display()} — {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Le journal d'audit ne se modifie pas.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Le journal d'audit ne se supprime pas.")

    @property
    def actor_key(self) -> str | None:
        return self.actor_identity_id

    @property
    def subject_key(self) -> str | None:
        return self.subject_identity_id

    def compute_hash(self) -> str:
        """The hash this record must carry, from its stored fields and ``prev_hash``.

        Version 1 hashes exactly the fields it had. Later versions add the version and the
        identity keys: the keys are hashed, the labels they map to are not.
        """
        fields: dict[str, Any] = {
            "seq": self.seq,
            "at": canonical_time(self.at),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_ref": self.object_ref,
            "dossier_ref": self.dossier_ref,
            "summary": self.summary,
            "before": self.before,
            "after": self.after,
        }
        if self.version != LEGACY_VERSION:
            fields |= {
                "version": self.version,
                "actor_key": self.actor_identity_id,
                "subject_key": self.subject_identity_id,
            }
        return chain_hash(fields, prev_hash=self.prev_hash)


def canonical_time(value: datetime.datetime) -> str:
    """UTC, with microseconds: what both PostgreSQL and SQLite store and give back."""
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def chain_hash(fields: dict[str, Any], *, prev_hash: str) -> str:
    """SHA-256 (hex) of the sorted, compact JSON of ``fields`` plus ``prev_hash``."""
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()

"""The audit record: one line of an append-only, hash-chained journal.

Each record stores the SHA-256 of the previous record (``prev_hash``) and its own hash over a
canonical JSON of its immutable fields plus ``prev_hash`` (``chain_hash``). Changing,
removing or inserting a record therefore breaks the chain from that point on, which
``manage.py verify_audit_chain`` reports.

Append-only is enforced at three levels: the model and its queryset refuse updates and
deletes; on PostgreSQL a trigger refuses UPDATE and DELETE on the table (migration 0002).
A database superuser, or the table's owner, can still disable the trigger or TRUNCATE the
table: the chain is what detects such tampering, not what prevents it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


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
    # covers ``actor_id`` and ``actor_label``, both kept as they were).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    actor_label = models.CharField(_("auteur (libellé)"), max_length=254, blank=True)
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
        indexes = [models.Index(fields=["dossier_ref", "-seq"], name="audit_dossier_seq_idx")]

    def __str__(self) -> str:
        return f"n° {self.seq} — {self.get_action_display()} — {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Le journal d'audit ne se modifie pas.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Le journal d'audit ne se supprime pas.")

    def compute_hash(self) -> str:
        """The hash this record must carry, from its stored fields and ``prev_hash``."""
        return chain_hash(
            {
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
            },
            prev_hash=self.prev_hash,
        )


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

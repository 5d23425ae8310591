"""Retention of public first contacts waiting for their author to follow the e-mailed link
(``workflows.PendingFirstContact``): deleted ``RETENTION_PENDING_FIRST_CONTACT_DAYS`` after
the link expired, whether it was followed (what they held is then in the dossier) or not."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet

from privacy.retention.rules import Outcome, RetentionRule, register
from workflows.models import PendingFirstContact


def _due(now: datetime.datetime) -> QuerySet[PendingFirstContact]:
    grace = datetime.timedelta(days=settings.RETENTION_PENDING_FIRST_CONTACT_DAYS)
    return PendingFirstContact.objects.filter(expires_at__lte=now - grace).order_by("pk")


def _due_soon(now: datetime.datetime, until: datetime.datetime) -> QuerySet[PendingFirstContact]:
    grace = datetime.timedelta(days=settings.RETENTION_PENDING_FIRST_CONTACT_DAYS)
    return PendingFirstContact.objects.filter(
        expires_at__gt=now - grace, expires_at__lte=until - grace
    ).order_by("pk")


def _delete(pending: PendingFirstContact) -> None:
    PendingFirstContact.objects.filter(pk=pending.pk).delete()  # idempotent


PENDING_FIRST_CONTACTS = register(
    RetentionRule(
        code="pending_first_contacts",
        label="Premiers contacts du formulaire public en attente de confirmation",
        setting="RETENTION_PENDING_FIRST_CONTACT_DAYS",
        after="après l'expiration du lien",
        basis="Premier contact du programme, mission d'intérêt public (art. 6-1-e RGPD) : "
        "rien ne reste à faire une fois le lien expiré ; quelques jours pour répondre à un appel "
        "« mon lien a expiré ». Durée à confirmer avec le DPO.",
        outcome=Outcome.DELETED,
        due=_due,
        apply=_delete,
        due_soon=_due_soon,
    )
)

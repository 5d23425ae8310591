"""Records kept for a short technical or informative purpose: notifications, sign-in
records (django-axes) and expired sessions. Each is simply deleted when its time is up."""

from __future__ import annotations

import datetime
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models

from audit.models import AuditIdentity
from audit.services import audit_identifier_erase
from notifications.models import Notification

from .rules import Outcome, RetentionRule, register


def _days(setting: str) -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, setting))


def _delete(obj: models.Model) -> None:
    # A queryset delete: a row already gone (deleted by someone else) is no error.
    type(obj)._default_manager.filter(pk=obj.pk).delete()


def notifications_due(now: datetime.datetime) -> models.QuerySet[Any]:
    limit = now - _days("RETENTION_NOTIFICATION_DAYS")
    return Notification.objects.filter(created_at__lt=limit).order_by("pk")


def signin_log_due(now: datetime.datetime) -> models.QuerySet[Any]:
    limit = now - _days("RETENTION_SIGNIN_LOG_DAYS")
    return AccessLog.objects.filter(attempt_time__lt=limit).order_by("pk")


def signin_failures_due(now: datetime.datetime) -> models.QuerySet[Any]:
    limit = now - _days("RETENTION_SIGNIN_LOG_DAYS")
    return AccessFailureLog.objects.filter(attempt_time__lt=limit).order_by("pk")


def signin_attempts_due(now: datetime.datetime) -> models.QuerySet[Any]:
    # The lockout counts failures within the cool-off: older ones protect nothing any more.
    limit = now - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__lt=limit).order_by("pk")


def signin_identifiers_due(now: datetime.datetime) -> models.QuerySet[Any]:
    # The audit trail's failed sign-ins name what was typed through an erasable identity.
    limit = now - _days("RETENTION_SIGNIN_LOG_DAYS")
    return AuditIdentity.objects.filter(user=None, erased_at=None, created_at__lt=limit).order_by(
        "pk"
    )


def _identifier_erase(identity: AuditIdentity) -> None:
    audit_identifier_erase(identity=identity)


def sessions_due(now: datetime.datetime) -> models.QuerySet[Any]:
    # What ``manage.py clearsessions`` deletes for the database backend.
    return Session.objects.filter(expire_date__lt=now).order_by("pk")


SIGNIN_BASIS = (
    "Mesure de sécurité contre les essais de mots de passe (art. 6-1-e RGPD) ; "
    "6 mois, recommandation de la CNIL sur la journalisation des accès."
)

register(
    RetentionRule(
        code="notifications",
        label="Notifications envoyées aux personnes (et l'état de leur envoi par e-mail)",
        setting="RETENTION_NOTIFICATION_DAYS",
        after="après leur création",
        basis=(
            "Informer les personnes de ce qui se passe (art. 6-1-e RGPD) ; l'historique du "
            "dossier garde les faits. Proposition : 1 an."
        ),
        outcome=Outcome.DELETED,
        due=notifications_due,
        apply=_delete,
    )
)
register(
    RetentionRule(
        code="signin_log",
        label="Journal des connexions réussies",
        setting="RETENTION_SIGNIN_LOG_DAYS",
        after="après la connexion",
        basis=SIGNIN_BASIS,
        outcome=Outcome.DELETED,
        due=signin_log_due,
        apply=_delete,
    )
)
register(
    RetentionRule(
        code="signin_failures",
        label="Journal des connexions échouées",
        setting="RETENTION_SIGNIN_LOG_DAYS",
        after="après la tentative",
        basis=SIGNIN_BASIS,
        outcome=Outcome.DELETED,
        due=signin_failures_due,
        apply=_delete,
    )
)
register(
    RetentionRule(
        code="signin_identifiers",
        label="Identifiants saisis lors des connexions échouées, dans le journal d'audit",
        setting="RETENTION_SIGNIN_LOG_DAYS",
        after="après la tentative (l'enregistrement reste, sans l'identifiant)",
        basis=SIGNIN_BASIS,
        outcome=Outcome.CLEARED,
        due=signin_identifiers_due,
        apply=_identifier_erase,
    )
)
register(
    RetentionRule(
        code="signin_attempts",
        label="Compteurs d'échecs de connexion (blocage temporaire)",
        setting="AXES_COOLOFF_TIME",
        after="après le dernier échec (durée du blocage)",
        basis=(
            "Mesure de sécurité contre les essais de mots de passe (art. 6-1-e RGPD) ; "
            "inutiles une fois le blocage levé."
        ),
        outcome=Outcome.DELETED,
        due=signin_attempts_due,
        apply=_delete,
    )
)
register(
    RetentionRule(
        code="sessions",
        label="Sessions de connexion expirées",
        setting="SESSION_MAX_LIFETIME_SECONDS",
        after="au plus après la connexion (ou plus tôt, sans activité)",
        basis="Garder la personne connectée (nécessité technique) ; rien au-delà de l'expiration.",
        outcome=Outcome.DELETED,
        due=sessions_due,
        apply=_delete,
    )
)

"""Reads of the outbox, always scoped: a person's own notifications, or what was sent about
one dossier (for those who handle it)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def sent_about(*, dossier_ref: str) -> QuerySet[Notification]:
    """Every notification about one dossier, newest first, with its recipient."""
    return (
        Notification.objects.filter(dossier_ref=dossier_ref)
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )

"""Panels of the dossier pages that several stages share."""

from __future__ import annotations

from typing import Any

from accounts.http import AuthenticatedRequest
from notifications.selectors import sent_about
from notifications.services import notifications_mark_read_for_dossier


def sent_notifications_panel(request: AuthenticatedRequest, dossier_ref: str) -> list[Any] | None:
    """What was sent about the dossier, for MEL staff only (``None`` hides the panel). Opening
    the dossier also reads what one was told about it."""
    notifications_mark_read_for_dossier(user_id=request.user.pk, dossier_ref=dossier_ref)
    if not request.user.has_perm("notifications.resend_notification"):
        return None
    return list(sent_about(dossier_ref=dossier_ref)[:100])

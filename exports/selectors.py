"""Reads of the exports."""

from __future__ import annotations

from accounts.models import User
from accounts.selectors import AnyUser
from exports.models import ExportJob

RECENT = 50


def export_jobs_of(*, user: AnyUser) -> list[ExportJob]:
    """The user's most recent exports, newest first (one query)."""
    if not isinstance(user, User):
        return []
    return list(ExportJob.objects.filter(owner=user).order_by("-created_at")[:RECENT])

"""Reads of the exports."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from accounts.models import User
from accounts.selectors import AnyUser, user_organisation_ids, user_personas
from exports.models import ExportJob
from exports.registry import ListExport

RECENT = 50


def export_jobs_of(*, user: AnyUser) -> list[ExportJob]:
    """The user's most recent exports, newest first (one query)."""
    if not isinstance(user, User):
        return []
    return list(ExportJob.objects.filter(owner=user).order_by("-created_at")[:RECENT])


def export_access_of(*, user: AnyUser, export: ListExport, query: QueryDict) -> dict[str, Any]:
    """What a file of ``export`` made for ``user`` now is filtered for: their personas and
    organisations, and whether it holds the contact columns (no query beyond the user's
    memberships, cached for the request)."""
    return {
        "personas": sorted(str(persona.value) for persona in user_personas(user)),
        "organisations": sorted(user_organisation_ids(user)),
        "contacts": any(column.contacts for column in export.columns_for(user, query)),
    }

"""The committee sessions list's export (``reviewers:session_list``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import QueryDict
from django.utils import timezone

from accounts.listing import ListFilter
from applicants.exports import at
from exports.registry import Column, Kind, ListExport, ListRequest, register
from reviewers.filters import SessionFilter
from reviewers.selectors import sessions_visible_to


def _filterset(user: Any, query: QueryDict, request: ListRequest) -> ListFilter:
    # As reviewers.views.session_list builds it.
    sessions = sessions_visible_to(user=user).annotate(
        scorer_count=Count(
            "committee__memberships",
            filter=Q(committee__memberships__user__is_active=True),
            distinct=True,
        )
    )
    return SessionFilter(query, queryset=sessions, request=request)


def _hour(session: Any) -> str:
    local = timezone.localtime(session.starts_at)
    return f"{local.hour}\u00a0h\u00a0{local.minute:02d}"


register(
    ListExport(
        name="seances",
        title="Séances du comité",
        noun=("séance", "séances"),
        page="reviewers:session_list",
        filterset=_filterset,
        columns=(
            Column("Date", at("starts_at"), Kind.DATE),
            Column("Heure", _hour, width=10),
            Column("Comité", at("committee.name"), width=32),
            Column("Programme", at("programme.name"), width=32),
            Column("Lieu", lambda s: s.place or "à préciser", width=32),
            Column("Inscriptions jusqu'au", at("agenda_cutoff"), Kind.DATE),
            Column("État", lambda s: s.get_status_display().capitalize()),
            Column("Membres pouvant noter", at("scorer_count"), Kind.NUMBER),
        ),
    )
)

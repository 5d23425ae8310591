"""Reads of committee sessions, filtered per object for the user."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.selectors import AnyUser, filter_visible
from funding.models import Programme
from reviewers.models import CommitteeSession, SessionStatus


def sessions_visible_to(*, user: AnyUser) -> QuerySet[CommitteeSession]:
    """Sessions the user may see: all for MEL staff, their committee's for its members.

    Committee and programme come in the same query, so a list costs a constant number of
    queries whatever its length.
    """
    queryset = CommitteeSession.objects.select_related("committee", "programme").order_by(
        "starts_at", "pk"
    )
    return filter_visible(user, queryset)


def next_open_session(*, programme: Programme, on_date: datetime.date) -> CommitteeSession | None:
    """The first planned session of ``programme`` still taking dossiers on ``on_date``.

    A session takes dossiers from ``on_date`` if it starts that day or later — and, today, if
    it has not started yet — and its agenda cut-off (when set) is not past. ``None`` when
    staff have not scheduled one yet.
    """
    earliest = timezone.make_aware(datetime.datetime.combine(on_date, datetime.time.min))
    if on_date == timezone.localdate():
        earliest = timezone.now()  # a session that began this morning takes no more dossiers
    return (
        CommitteeSession.objects.filter(
            programme=programme, status=SessionStatus.PLANNED, starts_at__gte=earliest
        )
        .filter(Q(agenda_cutoff__isnull=True) | Q(agenda_cutoff__gte=on_date))
        .select_related("committee", "programme")
        .order_by("starts_at", "pk")
        .first()
    )

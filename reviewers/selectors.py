"""Reads of committee sessions, their members and their dossiers' scorings and avis."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.models import Task

from accounts.exceptions import ApplicationError
from accounts.french import french_order
from accounts.models import User
from accounts.search import search_terms, text_search
from accounts.selectors import AnyUser, filter_visible
from applicants.selectors.projects import project_search
from funding.models import Programme, ScoringCriterion
from funding.selectors import scoring_grid
from reviewers.models import (
    CommitteeSession,
    ConflictDeclaration,
    CriterionScore,
    Deliberation,
    Scoring,
    SessionStatus,
)
from workflows.application.services import (
    application_values,
    checklist_documents,
    programme,
    rule_version_for,
)
from workflows.models import Application

CENT = Decimal("0.01")


def sessions_visible_to(*, user: AnyUser) -> QuerySet[CommitteeSession]:
    """Sessions the user may see: all for MEL staff, their committee's for its members.

    Committee and programme come in the same query, so a list costs a constant number of
    queries whatever its length.
    """
    queryset = CommitteeSession.objects.select_related("committee", "programme").order_by(
        "starts_at", "pk"
    )
    return filter_visible(user, queryset)


def session_search(
    queryset: QuerySet[CommitteeSession], query: str, *, contacts: bool = False
) -> QuerySet[CommitteeSession]:
    """Sessions whose committee, place or programme match every word of ``query``, or
    holding a dossier that does (person, project, SIRET, commune): "the session of Émilie's
    dossier". Accents and case ignored; it only narrows what the reader may already see."""
    if not search_terms(query):
        return queryset
    own = text_search(
        CommitteeSession.objects.filter(pk=OuterRef("pk")),
        query,
        ["committee__name", "place", "programme__name"],
    )
    dossiers = project_search(
        Application.objects.filter(committee_session=OuterRef("pk")),
        query,
        via="project__",
        contacts=contacts,
    )
    return queryset.filter(Exists(own) | Exists(dossiers))


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


def open_sessions() -> QuerySet[CommitteeSession]:
    """Planned sessions of the programme that have not started, soonest first (staff may
    still add a dossier after the agenda cut-off at the instruction step)."""
    return (
        CommitteeSession.objects.filter(
            programme=programme(), status=SessionStatus.PLANNED, starts_at__gt=timezone.now()
        )
        .select_related("committee")
        .order_by("starts_at", "pk")
    )


def committee_members(*, session: CommitteeSession) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__organisation=session.committee,
        memberships__organisation__is_active=True,
    ).order_by(*french_order("last_name", "first_name"), "pk")


def counted_scorings(*, application: Application) -> QuerySet[Scoring]:
    """Submitted scorings of the current session, members who withdrew left out."""
    withdrawn = ConflictDeclaration.objects.filter(
        application=OuterRef("dossier"), member=OuterRef("member")
    )
    return Scoring.objects.filter(
        dossier=application, session=application.committee_session, submitted_at__isnull=False
    ).exclude(Exists(withdrawn))


def latest_deliberation(*, application: Application) -> Deliberation | None:
    return application.deliberations.select_related("session").last()


# What the committee's pages read ------------------------------------------------------------


def session_of(application: Application) -> CommitteeSession | None:
    if application.committee_session_id is None:
        return None
    return (
        CommitteeSession.objects.select_related("committee")
        .filter(pk=application.committee_session_id)
        .first()
    )


@dataclass
class Attachment:
    """A document of the dossier as the committee lists it: what it is asked as, the file."""

    label: str
    document: Any  # documents.Document, read through the dossier (documents sits above)


def dossier_for_committee(application: Application) -> dict[str, Any]:
    """What the committee reads of a dossier (rendered from the dossier itself, never a
    link to its page: members have no permission on the application, only ``consult``,
    which lets them download its documents)."""
    financing_lines = list(application.financing_lines.all())
    return {
        "dossier": application,
        "values": application_values(application=application),
        "journey": application.source_journey,
        "financing_lines": financing_lines,
        "financing_total": sum((line.amount for line in financing_lines), Decimal(0)),
        "attachments": committee_attachments(application),
    }


def committee_attachments(application: Application) -> list[Attachment]:
    """The dossier's live documents, each named by the checklist item it answers, in the
    checklist's order (files for items no longer asked come last). Three queries."""
    labels = {
        required.code: (position, required.label)
        for position, required in enumerate(checklist_documents(application=application))
    }
    documents = application.documents.filter(deleted_at__isnull=True).order_by("uploaded_at", "pk")
    rows = [(labels.get(doc.code, (len(labels), "Autre pièce")), doc) for doc in documents]
    rows.sort(key=lambda row: row[0][0])
    return [Attachment(label=label, document=doc) for (_, label), doc in rows]


def scoring_grid_of(application: Application) -> list[ScoringCriterion]:
    try:
        return list(scoring_grid(rule_version=rule_version_for(application=application)))
    except ApplicationError:
        return []


def submitted_scorings(queryset: QuerySet[Scoring]) -> list[Scoring]:
    return list(
        queryset.select_related("member")
        .prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))
        )
        .order_by("member__last_name", "member__first_name", "pk")
    )


def average_score(scorings: Sequence[Scoring]) -> Decimal | None:
    scores = [s.weighted_score for s in scorings if s.weighted_score is not None]
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(CENT)


def committee_figures(application: Application, session: CommitteeSession | None) -> dict[str, Any]:
    """Submitted scorings, their average, who withdrew and who has not scored yet."""
    if session is None:
        return {
            "scorings": [],
            "average": None,
            "counted": 0,
            "score_table": [],
            "withdrawn": [],
            "pending": [],
        }
    scorings = submitted_scorings(counted_scorings(application=application))
    withdrawn = list(
        ConflictDeclaration.objects.filter(session=session, application=application)
        .select_related("member")
        .order_by("member__last_name", "pk")
    )
    pending = committee_members(session=session).exclude(
        pk__in=[s.member_id for s in scorings] + [c.member_id for c in withdrawn]
    )
    return {
        "scorings": scorings,
        "average": average_score(scorings),
        "counted": len(scorings),
        "score_table": score_table(scoring_grid_of(application), scorings),
        "withdrawn": withdrawn,
        "pending": list(pending),
    }


@dataclass
class CriterionRow:
    """One line of the deliberation's table: a criterion, each member's score in the
    order of ``scorings``, and the criterion's average."""

    criterion: ScoringCriterion
    scores: list[int | None]
    average: Decimal | None


def score_table(
    grid: Sequence[ScoringCriterion], scorings: Sequence[Scoring]
) -> list[CriterionRow]:
    """Criteria by members, from the prefetched scores (no query)."""
    by_scoring = {s.pk: {cs.criterion_id: cs.score for cs in s.scores.all()} for s in scorings}
    rows = []
    for criterion in grid:
        scores = [by_scoring[s.pk].get(criterion.pk) for s in scorings]
        given = [score for score in scores if score is not None]
        average = (Decimal(sum(given)) / len(given)).quantize(CENT) if given else None
        rows.append(CriterionRow(criterion=criterion, scores=scores, average=average))
    return rows


def scoring_for(user: User, task: Task) -> Scoring:
    """The scoring of this step, for its member or MEL staff (read only); 404 for anyone
    else, and for a member who withdrew or left the committee."""
    scoring = (
        Scoring.objects.select_related(
            "dossier__project__commune",
            "dossier__holder__user",
            "dossier__source_journey",
            "dossier__rule_version",
            "session__committee",
            "member",
        )
        .filter(pk=task.process_id)
        .first()
    )
    if scoring is None:
        raise Http404("Page introuvable.")
    if scoring.member_id != user.pk:
        if not user.has_perm("reviewers.view_scoring"):
            raise Http404("Page introuvable.")
        return scoring
    if has_withdrawn(scoring) or not (
        committee_members(session=scoring.session).filter(pk=user.pk).exists()
    ):
        raise Http404("Page introuvable.")
    return scoring


def has_withdrawn(scoring: Scoring) -> bool:
    return ConflictDeclaration.objects.filter(
        session=scoring.session_id, application=scoring.dossier_id, member=scoring.member_id
    ).exists()


def scorings_beside(scoring: Scoring) -> dict[str, Any]:
    """Once a member has scored: their scoring, the others' and the average (blind before).

    ``counted`` is the number of scorings the average is made of — the member's own
    included — not the length of ``others`` (the page once said "1 notation" for two).
    """
    counted = counted_scorings(application=scoring.dossier).filter(session=scoring.session_id)
    scorings = submitted_scorings(counted)
    mine = next((s for s in scorings if s.pk == scoring.pk), None)
    return {
        "mine": mine or submitted_scorings(Scoring.objects.filter(pk=scoring.pk))[0],
        "others": [s for s in scorings if s.pk != scoring.pk],
        "average": average_score(scorings),
        "counted": len(scorings),
    }

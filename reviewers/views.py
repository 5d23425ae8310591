"""Committee pages: sessions (a member sees only its own committee's), a session's agenda,
conflicts of interest, the procès-verbal and the decision letter, and the committee section
of the dossier page. The selection's steps are in ``reviewers.steps``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.http import AuthenticatedRequest
from accounts.listing import list_context
from accounts.models import User
from accounts.selectors import user_organisation_ids
from reviewers import selectors
from reviewers.filters import SessionFilter
from reviewers.forms import ConflictForm, MoveSessionForm
from reviewers.models import CommitteeSession, ConflictDeclaration, Deliberation, Scoring
from reviewers.pdf import MinutesRow, decision_letter_pdf, session_minutes_pdf
from reviewers.services import selection as services
from workflows.application.flows import ApplicationFlow, application_move_session
from workflows.application.selectors import application_queryset
from workflows.engine import OPEN_STATUSES
from workflows.models import Application

PAGE_SIZE = 25
STAFF_PERM = "workflows.instruct_application"


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    # Members who could score: a committee without any would leave its dossiers unscored.
    sessions = selectors.sessions_visible_to(user=request.user).annotate(
        scorer_count=Count(
            "committee__memberships",
            filter=Q(committee__memberships__user__is_active=True),
            distinct=True,
        )
    )
    filterset = SessionFilter(request.GET, queryset=sessions, request=request)
    context = list_context(request, filterset, per_page=PAGE_SIZE, noun=("séance", "séances"))
    return render(request, "reviewers/session_list.html", context)


# The dossier page's committee section ------------------------------------------------------


def selection_context(*, application: Application, user: Any) -> dict[str, Any]:
    """Extra context for the dossier page (its own section template): the session, the
    latest avis and, for MEL staff, the instruction note and the scoring's progress."""
    session = selectors.session_of(application)
    context: dict[str, Any] = {
        "selection_session": session,
        "deliberation": selectors.latest_deliberation(application=application),
        "selection_staff": bool(user.has_perm(STAFF_PERM)),
    }
    if context["selection_staff"] and session is not None:
        context["scoring_progress"] = {
            "opened": Scoring.objects.filter(dossier=application, session=session).count(),
            "submitted": selectors.counted_scorings(application=application).count(),
            "withdrawn": list(
                ConflictDeclaration.objects.filter(
                    session=session, application=application
                ).select_related("member")
            ),
        }
    return context


# The session's agenda and conflicts of interest --------------------------------------------


@dataclass
class AgendaRow:
    """A dossier on the agenda, with the reader's own status (member) or the figures
    (staff)."""

    application: Application
    deliberation: Deliberation | None = None
    scoring: Scoring | None = None
    task: Task | None = None
    withdrawn: bool = False
    opened: int = 0
    submitted: int = 0
    withdrawals: int = 0
    deliberation_task: Task | None = None


def agenda_queryset(session: CommitteeSession) -> QuerySet[Application]:
    """Dossiers on the session's agenda, and those it deliberated (an adjourned dossier
    leaves the session once the avis is recorded)."""
    deliberated = Deliberation.objects.filter(session=session).values("application_id")
    return (
        Application.objects.filter(Q(committee_session=session) | Q(pk__in=deliberated))
        .select_related("project__commune", "holder__user")
        .order_by("project__title", "pk")
    )


def _member_rows(rows: list[AgendaRow], session: CommitteeSession, user: User) -> None:
    scorings = {s.dossier_id: s for s in Scoring.objects.filter(session=session, member=user)}
    tasks: dict[int, Task] = {}
    for task in Task.objects.filter(
        process_id__in=[s.pk for s in scorings.values()], flow_task_type="HUMAN"
    ).order_by("pk"):
        tasks[task.process_id] = task  # the latest step of each scoring
    conflicts = set(
        ConflictDeclaration.objects.filter(session=session, member=user).values_list(
            "application_id", flat=True
        )
    )
    for row in rows:
        row.scoring = scorings.get(row.application.pk)
        row.task = tasks.get(row.scoring.pk) if row.scoring else None
        row.withdrawn = row.application.pk in conflicts


def _figures(rows: list[AgendaRow], session: CommitteeSession) -> list[MemberProgress]:
    """Per dossier, and per member of the committee: scorings rendered out of those
    opened (withdrawn members left out); per dossier, withdrawals too. Three queries
    whatever the number of dossiers (the session's scorings are read as pairs)."""
    withdrawn = ConflictDeclaration.objects.filter(
        session=OuterRef("session"), application=OuterRef("dossier"), member=OuterRef("member")
    )
    pairs = (
        Scoring.objects.filter(session=session)
        .exclude(Exists(withdrawn))
        .values_list("dossier_id", "member_id", "submitted_at")
    )
    by_dossier: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_member: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for dossier_id, member_id, submitted_at in pairs:
        for figures in (by_dossier[dossier_id], by_member[member_id]):
            figures[0] += 1
            figures[1] += submitted_at is not None
    conflicts = dict(
        ConflictDeclaration.objects.filter(session=session)
        .values("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )
    for row in rows:
        row.opened, row.submitted = by_dossier.get(row.application.pk, (0, 0))
        row.withdrawals = conflicts.get(row.application.pk, 0)
    return [
        MemberProgress(member, *by_member.get(member.pk, (0, 0)))
        for member in selectors.committee_members(session=session)
    ]


@dataclass
class MemberProgress:
    member: User
    opened: int
    submitted: int


def _chair_rows(rows: list[AgendaRow]) -> None:
    """The open deliberation step of each dossier, for MEL staff who chair (one query)."""
    tasks = Task.objects.filter(
        process_id__in=[row.application.pk for row in rows],
        flow_task=ApplicationFlow.deliberation,
        status__in=OPEN_STATUSES,
    )
    by_dossier = {task.process_id: task for task in tasks}
    for row in rows:
        row.deliberation_task = by_dossier.get(row.application.pk)


@login_required
def session_agenda(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The session: when and where, its members and how far each has scored, the dossiers
    with their scorings rendered; a member's own status on each, and for MEL staff (who
    chair the deliberation) the next action with its button."""
    session = get_visible_or_404(
        request.user, CommitteeSession.objects.select_related("committee", "programme"), pk=pk
    )
    is_staff = request.user.has_perm(STAFF_PERM)
    # The user's memberships are read once per request already (menus): no query here.
    is_member = session.committee_id in user_organisation_ids(request.user)
    deliberations = {d.application_id: d for d in Deliberation.objects.filter(session=session)}
    rows = [
        AgendaRow(application=a, deliberation=deliberations.get(a.pk))
        for a in agenda_queryset(session)
    ]
    members = _figures(rows, session)
    if is_member:
        _member_rows(rows, session, request.user)
    if is_staff:
        _chair_rows(rows)
    to_deliberate = [row for row in rows if row.deliberation_task is not None]
    return render(
        request,
        "workflows/selection/agenda.html",
        {
            "session": session,
            "rows": rows,
            "members": members,
            "is_member": is_member,
            "is_staff": is_staff,
            "started": session.starts_at <= timezone.now(),
            "to_deliberate": to_deliberate,
            "conflict_form": ConflictForm(),
            "open_statuses": OPEN_STATUSES,
        },
    )


@require_POST
@login_required
def conflict_declare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A member withdraws from a dossier of their session (« se déporte »)."""
    application = Application.objects.select_related("committee_session").filter(pk=pk).first()
    session = application.committee_session if application else None
    if (
        application is None
        or session is None
        or not selectors.committee_members(session=session).filter(pk=request.user.pk).exists()
    ):
        raise Http404("Page introuvable.")
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Le motif fait au plus 300 caractères : rien n'a été modifié.")
        return redirect("workflows:session_agenda", pk=session.pk)
    try:
        services.conflict_declare(
            application=application, member=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Vous vous êtes déporté·e de ce dossier : vous ne le notez pas et ne prenez pas "
            "part à l'avis.",
        )
    return redirect("workflows:session_agenda", pk=session.pk)


# Documents ---------------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def session_minutes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The session's procès-verbal (MEL staff only)."""
    session = get_visible_or_404(
        request.user, CommitteeSession.objects.select_related("committee"), pk=pk
    )
    if not request.user.has_perm(STAFF_PERM):
        raise PermissionDenied("Le procès-verbal est réservé à l'équipe de la MEL.")
    withdrawn: dict[int, list[User]] = defaultdict(list)
    for conflict in (
        ConflictDeclaration.objects.filter(session=session)
        .select_related("member")
        .order_by("member__last_name", "pk")
    ):
        withdrawn[conflict.application_id].append(conflict.member)
    deliberations = Deliberation.objects.filter(session=session).select_related(
        "application__project__commune", "application__holder__user", "recorded_by"
    )
    rows = [
        MinutesRow(deliberation=d, withdrawn=withdrawn[d.application_id]) for d in deliberations
    ]
    content = session_minutes_pdf(session=session, rows=rows)
    return _pdf(
        content, f"proces-verbal-comite-{timezone.localtime(session.starts_at):%Y-%m-%d}.pdf"
    )


@login_required
def decision_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The letter of the committee's latest avis, for anyone who may see the dossier."""
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    deliberation = selectors.latest_deliberation(application=application)
    if deliberation is None:
        raise Http404("Le comité n'a pas encore rendu son avis sur cette candidature.")
    content = decision_letter_pdf(application=application, deliberation=deliberation)
    return _pdf(content, f"courrier-avis-comite-candidature-{application.pk}.pdf")


@require_POST
@login_required
def move_session(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if not request.user.has_perm(STAFF_PERM):
        raise PermissionDenied("Réservé à l'équipe de la MEL.")
    form = MoveSessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["session"]))
    else:
        session = form.cleaned_data["session"]
        try:
            application_move_session(application=application, actor=request.user, session=session)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Le dossier est reporté à la séance choisie.")
    return redirect("workflows:application_detail", pk=application.pk)

"""Pages of the selection (stage 8): the instruction note and the deliberation (MEL staff),
each member's scoring, the session's agenda, conflicts of interest, the procès-verbal and
the decision letter.

Committee members hold no permission on the Application: they reach a dossier only through
their own scoring or their session's agenda, and lose it when they withdraw. Scoring is
blind: nobody's score shows on a member's page until that member has submitted theirs.
Steps are completed only through ``workflows.engine.task_perform``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.forms import add_application_error
from accounts.http import AuthenticatedRequest
from accounts.models import User
from accounts.selectors import user_organisation_ids
from funding.models import ScoringCriterion
from funding.selectors import scoring_grid
from reviewers.forms import ConflictForm, DeliberationForm, InstructionForm, ScoringForm
from reviewers.models import CommitteeSession
from reviewers.pdf import MinutesRow, decision_letter_pdf, session_minutes_pdf
from reviewers.services import selection as services
from workflows.application.services import application_values, rule_version_for
from workflows.engine import OPEN_STATUSES, TaskNotOpen, task_can_act, task_perform
from workflows.models import (
    Application,
    ApplicationStatus,
    ConflictDeclaration,
    CriterionScore,
    Deliberation,
    Scoring,
)

SELECTION_STEPS = ("instruction", "deliberation")
STAFF_PERM = "workflows.instruct_application"
CENT = Decimal("0.01")


# The dossier page's committee section ------------------------------------------------------


def selection_context(*, application: Application, user: Any) -> dict[str, Any]:
    """Extra context for the dossier page (its own section template): the session, the
    latest avis and, for MEL staff, the instruction note and the scoring's progress."""
    session = _session_of(application)
    context: dict[str, Any] = {
        "selection_session": session,
        "deliberation": services.latest_deliberation(application=application),
        "selection_staff": bool(user.has_perm(STAFF_PERM)),
    }
    if context["selection_staff"] and session is not None:
        context["scoring_progress"] = {
            "opened": Scoring.objects.filter(dossier=application, session=session).count(),
            "submitted": services.counted_scorings(application=application).count(),
            "withdrawn": list(
                ConflictDeclaration.objects.filter(
                    session=session, application=application
                ).select_related("member")
            ),
        }
    return context


def _session_of(application: Application) -> CommitteeSession | None:
    if application.committee_session_id is None:
        return None
    return (
        CommitteeSession.objects.select_related("committee")
        .filter(pk=application.committee_session_id)
        .first()
    )


def _dossier_context(application: Application) -> dict[str, Any]:
    """What the committee reads of a dossier (rendered from the dossier itself, never a
    link to its page: members have no permission on the application)."""
    return {
        "dossier": application,
        "values": application_values(application=application),
        "journey": application.source_journey,
        "financing_lines": list(application.financing_lines.all()),
    }


def _grid(application: Application) -> list[ScoringCriterion]:
    try:
        return list(scoring_grid(rule_version=rule_version_for(application=application)))
    except ApplicationError:
        return []


# Staff steps: instruction and deliberation -------------------------------------------------


def selection_step(
    request: AuthenticatedRequest, task: Task, application: Application
) -> HttpResponse:
    """A staff step of the selection (``application_step`` has checked the task)."""
    name = task.flow_task.name
    if name == "instruction":
        return _instruction_step(request, task, application)
    if name == "deliberation":
        return _deliberation_step(request, task, application)
    raise Http404("Étape inconnue.")


def _perform_step(
    request: AuthenticatedRequest,
    *,
    task: Task,
    form: BaseForm,
    perform: Callable[[Any], Any],
    done: str,
    next_url: str,
    back_url: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """Complete the step: a redirect when done (or no longer open), ``None`` when a rule
    refused it (the message is then on the form, what was typed kept)."""
    try:
        task_perform(task=task, user=request.user, perform=perform)
    except TaskNotOpen as error:
        messages.error(request, error.message)
        return redirect(back_url)
    except ApplicationError as error:
        if error.field in (aliases or {}):
            error.field = (aliases or {})[error.field or ""]
        add_application_error(form, error)
        return None
    messages.success(request, done)
    return redirect(next_url)


def _instruction_step(
    request: AuthenticatedRequest, task: Task, application: Application
) -> HttpResponse:
    form = InstructionForm(
        request.POST or None,
        sessions=services.open_sessions(),
        initial={"session": application.committee_session_id, "note": application.instruction_note},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _perform_step(
            request,
            task=task,
            form=form,
            perform=lambda process: services.application_instruct(
                application=cast(Application, process),
                actor=request.user,
                session=data["session"],
                note=data["note"],
            ),
            done="La note d'instruction est enregistrée : les membres du comité peuvent noter.",
            next_url=reverse("workflows:inbox"),
            back_url=reverse("workflows:application_detail", args=[application.pk]),
        )
        if response is not None:
            return response
    return render(
        request,
        "workflows/selection/instruction.html",
        {"task": task, "application": application, "form": form, **_dossier_context(application)},
    )


def _deliberation_step(
    request: AuthenticatedRequest, task: Task, application: Application
) -> HttpResponse:
    session = _session_of(application)
    form = DeliberationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _perform_step(
            request,
            task=task,
            form=form,
            perform=lambda process: services.application_deliberate(
                application=cast(Application, process),
                actor=request.user,
                outcome=data["outcome"],
                proposed_amount=data["proposed_amount"],
                conditions=data["conditions"],
                reasons=data["reasons"],
            ),
            done="L'avis du comité est enregistré.",
            next_url=reverse("workflows:application_detail", args=[application.pk]),
            back_url=reverse("workflows:application_detail", args=[application.pk]),
            aliases={"amount": "proposed_amount"},
        )
        if response is not None:
            return response
    return render(
        request,
        "workflows/selection/deliberation.html",
        {
            "task": task,
            "application": application,
            "form": form,
            "session": session,
            "started": session is not None and session.starts_at <= timezone.now(),
            **_committee_figures(application, session),
            **_dossier_context(application),
        },
    )


def _submitted_scorings(queryset: QuerySet[Scoring]) -> list[Scoring]:
    return list(
        queryset.select_related("member")
        .prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))
        )
        .order_by("member__last_name", "member__first_name", "pk")
    )


def _average(scorings: Sequence[Scoring]) -> Decimal | None:
    scores = [s.weighted_score for s in scorings if s.weighted_score is not None]
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(CENT)


def _committee_figures(
    application: Application, session: CommitteeSession | None
) -> dict[str, Any]:
    """Submitted scorings, their average, who withdrew and who has not scored yet."""
    if session is None:
        return {"scorings": [], "average": None, "withdrawn": [], "pending": []}
    scorings = _submitted_scorings(services.counted_scorings(application=application))
    withdrawn = list(
        ConflictDeclaration.objects.filter(session=session, application=application)
        .select_related("member")
        .order_by("member__last_name", "pk")
    )
    pending = services.committee_members(session=session).exclude(
        pk__in=[s.member_id for s in scorings] + [c.member_id for c in withdrawn]
    )
    return {
        "scorings": scorings,
        "average": _average(scorings),
        "withdrawn": withdrawn,
        "pending": list(pending),
    }


# A member's scoring -------------------------------------------------------------------------


def _scoring_for(user: User, task: Task) -> Scoring:
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
        if not user.has_perm("workflows.view_scoring"):
            raise Http404("Page introuvable.")
        return scoring
    if _has_withdrawn(scoring) or not (
        services.committee_members(session=scoring.session).filter(pk=user.pk).exists()
    ):
        raise Http404("Page introuvable.")
    return scoring


def _has_withdrawn(scoring: Scoring) -> bool:
    return ConflictDeclaration.objects.filter(
        session=scoring.session_id, application=scoring.dossier_id, member=scoring.member_id
    ).exists()


def _scoring_state(scoring: Scoring) -> str:
    if scoring.submitted_at is not None:
        return "done"
    if scoring.status == STATUS.CANCELED:
        return "closed"
    return "open"


@login_required
def scoring_step(request: AuthenticatedRequest, task_pk: int, **kwargs: Any) -> HttpResponse:
    """A committee member scores a dossier on the weighted grid (blind until submitted)."""
    task = get_object_or_404(
        Task.objects.select_related("process"), pk=task_pk, flow_task_type="HUMAN"
    )
    scoring = _scoring_for(request.user, task)
    if scoring.member_id != request.user.pk and _has_withdrawn(scoring):
        return _render_scoring(request, task, scoring, form=None, state="withdrawn")
    grid = _grid(scoring.dossier)
    can_score = task_can_act(task=task, user=request.user)
    form = ScoringForm(request.POST if request.method == "POST" else None, criteria=grid)
    if request.method == "POST":
        if scoring.member_id != request.user.pk:
            raise PermissionDenied("Seul·e le membre à qui cette notation est confiée peut noter.")
        if not can_score:
            messages.error(request, "Cette notation n'est plus ouverte : rien n'a été modifié.")
            return redirect("workflows:scoring_step", task_pk=task.pk)
        if form.is_valid():
            here = reverse("workflows:scoring_step", args=[task.pk])
            response = _perform_step(
                request,
                task=task,
                form=form,
                perform=lambda process: services.scoring_submit(
                    scoring=cast(Scoring, process),
                    actor=request.user,
                    scores=form.scores(),
                    comments=form.comments(),
                    comment=form.cleaned_data["comment"],
                ),
                done="Votre notation est enregistrée. Merci !",
                next_url=here,
                back_url=here,
            )
            if response is not None:
                return response
    state = _scoring_state(scoring)
    return _render_scoring(
        request, task, scoring, form=form if can_score else None, state=state, grid=grid
    )


def _render_scoring(
    request: AuthenticatedRequest,
    task: Task,
    scoring: Scoring,
    *,
    form: ScoringForm | None,
    state: str,
    grid: Sequence[ScoringCriterion] = (),
) -> HttpResponse:
    context: dict[str, Any] = {
        "task": task,
        "scoring": scoring,
        "form": form,
        "state": state,
        "grid": grid,
        "is_member": scoring.member_id == request.user.pk,
        "can_withdraw": scoring.member_id == request.user.pk
        and scoring.dossier.stage == ApplicationStatus.ON_AGENDA,
        "conflict_form": ConflictForm(),
    }
    if state == "done":
        # Blind scoring: the others' scores show only once this one is submitted.
        others = services.counted_scorings(application=scoring.dossier).filter(
            session=scoring.session_id
        )
        scorings = _submitted_scorings(others)
        mine = next((s for s in scorings if s.pk == scoring.pk), None)
        context.update(
            mine=mine or _submitted_scorings(Scoring.objects.filter(pk=scoring.pk))[0],
            others=[s for s in scorings if s.pk != scoring.pk],
            average=_average(scorings),
        )
    if state in ("open", "done"):
        context.update(_dossier_context(scoring.dossier))
    return render(request, "workflows/selection/scoring.html", context)


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


def _staff_rows(rows: list[AgendaRow], session: CommitteeSession) -> None:
    withdrawn = ConflictDeclaration.objects.filter(
        session=OuterRef("session"), application=OuterRef("dossier"), member=OuterRef("member")
    )
    counts = {
        c["dossier_id"]: c
        for c in Scoring.objects.filter(session=session)
        .exclude(Exists(withdrawn))
        .values("dossier_id")
        .annotate(opened=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False)))
    }
    conflicts = dict(
        ConflictDeclaration.objects.filter(session=session)
        .values("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )
    for row in rows:
        figures = counts.get(row.application.pk, {})
        row.opened = figures.get("opened", 0)
        row.submitted = figures.get("submitted", 0)
        row.withdrawals = conflicts.get(row.application.pk, 0)


@login_required
def session_agenda(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The dossiers of a session: a member's own status on each, or staff's figures."""
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
    if is_member:
        _member_rows(rows, session, request.user)
    if is_staff:
        _staff_rows(rows, session)
    return render(
        request,
        "workflows/selection/agenda.html",
        {
            "session": session,
            "rows": rows,
            "is_member": is_member,
            "is_staff": is_staff,
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
        or not services.committee_members(session=session).filter(pk=request.user.pk).exists()
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
    from workflows.application.views import application_queryset  # that module imports this one

    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    deliberation = services.latest_deliberation(application=application)
    if deliberation is None:
        raise Http404("Le comité n'a pas encore rendu son avis sur cette candidature.")
    content = decision_letter_pdf(application=application, deliberation=deliberation)
    return _pdf(content, f"courrier-avis-comite-candidature-{application.pk}.pdf")

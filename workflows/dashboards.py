"""What each persona finds on its home page. Every block is bounded and filtered per object,
and costs the same number of queries whatever the number of dossiers."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from viewflow.workflow.models import Task

from accounts.models import Organisation, OrganisationKind, User
from accounts.policy import Persona
from accounts.selectors import AnyUser, filter_visible, user_organisation_ids, user_personas
from applicants.models import Person
from applicants.selectors.projects import person_projects, person_structures, project_list
from funding.flows import FundingLineFlow
from funding.selectors import bank_details_todos
from reviewers.flows import ScoringFlow
from reviewers.models import CommitteeSession, SessionStatus
from reviewers.selectors import sessions_visible_to
from workflows.inbox import open_task_ids, open_tasks_for, with_dossiers
from workflows.models import Application, ApplicationStatus, Journey
from workflows.pagination import INBOX_COUNT_CAP
from workflows.status.deadlines import with_deadlines
from workflows.status.stages import dossier_stage_label

PREVIEW_ROWS = 5

# The stages after eligibility that MEL staff follow, in the order of the process.
FOLLOWED_STAGES = (
    (ApplicationStatus.ON_AGENDA, "Inscrites à l'ordre du jour du comité"),
    (ApplicationStatus.FUNDING, "Chez les financeurs"),
    (ApplicationStatus.CONVENTION, "Convention et premier versement"),
    (ApplicationStatus.FOLLOW_UP, "En suivi"),
)


def dashboard_context(user: AnyUser) -> dict[str, Any]:
    personas = user_personas(user)
    context: dict[str, Any] = {"user_personas": sorted(p.label for p in personas)}
    if Persona.APPLICANT in personas:
        person = Person.objects.get(pk=user.pk)
        context["applicant_projects"] = person_projects(person=person)
        context["applicant_structures"] = person_structures(person=person)
        context["applicant_journeys"] = applicant_dossiers(person=person)
        # Asked of the holder outside any step: shown with the steps, with its deadline.
        context["bank_details_todos"] = list(bank_details_todos(person_id=person.pk))
    if personas & TASK_PERSONAS:
        # Counted as the inbox counts: up to its cap, whatever the backlog behind it.
        task_ids = open_task_ids(user=user, limit=INBOX_COUNT_CAP + 1)
        context["open_task_count"] = len(task_ids)
        context["open_task_cap"] = INBOX_COUNT_CAP
        context["tasks_preview"] = tasks_preview(task_ids[:PREVIEW_ROWS])
    if personas & {Persona.MEL_STAFF, Persona.SUPPORT_MEMBER}:
        projects = project_list(user=user)
        context["projects_preview"] = projects[:PREVIEW_ROWS]
        context["projects_total"] = projects.count()
    if personas & {Persona.SUPPORT_MEMBER, Persona.FINANCIER_MEMBER, Persona.COMMITTEE_MEMBER}:
        context["my_organisations"] = Organisation.objects.filter(
            pk__in=user_organisation_ids(user)
        ).exclude(kind=OrganisationKind.MEL_TEAM)
    if Persona.COMMITTEE_MEMBER in personas or Persona.MEL_STAFF in personas:
        context["sessions_preview"] = upcoming_sessions(user=user)[:PREVIEW_ROWS]
    if Persona.COMMITTEE_MEMBER in personas:
        context["scoring_task_count"] = scoring_task_count(user=user)
    if Persona.FINANCIER_MEMBER in personas and isinstance(user, User):
        context["funding_tasks"] = funding_task_counts(user=user)
    if Persona.MEL_STAFF in personas:
        context["stage_counts"] = stage_counts(user=user)
    context["show_statistics"] = user.has_perm("applicants.aggregate_project")
    context["show_lab_dataset"] = user.has_perm("applicants.extract_project")
    context["show_admin"] = user.is_staff
    return context


TASK_PERSONAS = {
    Persona.MEL_STAFF,
    Persona.SUPPORT_MEMBER,
    Persona.APPLICANT,
    Persona.COMMITTEE_MEMBER,
    Persona.FINANCIER_MEMBER,
}


def applicant_dossiers(*, person: Person) -> list[Journey]:
    """The holder's dossiers (a journey and the application opened from it), each with its
    stage in their words (``stage_label``) and its application, in two queries."""
    journeys = list(
        Journey.objects.filter(holder=person)
        .select_related("project", "project__support_organisation")
        .order_by("-created")
    )
    applications = {a.source_journey_id: a for a in applicant_applications(person=person)}
    for journey in journeys:
        journey.dossier_application = applications.get(journey.pk)
        journey.stage_label = dossier_stage_label(
            journey_stage=journey.stage,
            application_stage=journey.dossier_application.stage
            if journey.dossier_application
            else None,
        )
    return journeys


def tasks_preview(task_ids: list[int]) -> list[Any]:
    """The first open steps, named, each with its dossier and deadline (four queries)."""
    if not task_ids:
        return []
    steps = Task.objects.filter(pk__in=task_ids).select_related("owner")
    return with_deadlines(with_dossiers(steps.order_by("created", "pk")))


def applicant_applications(*, person: Person) -> QuerySet[Application]:
    """The holder's applications with the due date of the next report still to send."""
    return (
        Application.objects.filter(holder=person)
        .select_related("project")
        .annotate(
            next_report_due=Min("reports__due_on", filter=Q(reports__submitted_at__isnull=True))
        )
        .order_by("-created", "-pk")
    )


def upcoming_sessions(*, user: AnyUser) -> QuerySet[CommitteeSession]:
    """Sessions still ahead that the user may see (their committee's, or all for MEL
    staff), each with the number of dossiers on its agenda."""
    on_agenda = (
        Application.objects.filter(
            committee_session=OuterRef("pk"), stage=ApplicationStatus.ON_AGENDA
        )
        .order_by()
        .values("committee_session")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        sessions_visible_to(user=user)
        .filter(
            starts_at__gte=timezone.now(),
            status__in=[SessionStatus.PLANNED, SessionStatus.AGENDA_CLOSED],
        )
        .annotate(dossier_count=Coalesce(Subquery(on_agenda, output_field=IntegerField()), 0))
    )


def scoring_task_count(*, user: AnyUser) -> int:
    """Dossiers the committee member still has to score."""
    return open_tasks_for(user=user).filter(flow_task=ScoringFlow.score).count()


def funding_task_counts(*, user: User) -> dict[str, int]:
    """Funding lines waiting for the financier's decision, and for their second signature
    (not counting lines they signed first: a colleague countersigns those)."""
    return open_tasks_for(user=user).aggregate(
        decide=Count("pk", filter=Q(flow_task=FundingLineFlow.decide)),
        countersign=Count(
            "pk",
            filter=Q(flow_task=FundingLineFlow.countersign)
            & ~Q(process__fundingline__first_signer=user),
        ),
    )


def stage_counts(*, user: AnyUser) -> list[tuple[str, int]]:
    """How many dossiers stand at each stage after eligibility, and how many follow-up
    reports are late (due date passed, not sent), in one query."""
    late = Q(reports__due_on__lt=timezone.localdate(), reports__submitted_at__isnull=True)
    figures = filter_visible(user, Application.objects.all()).aggregate(
        **{
            str(stage): Count("pk", filter=Q(stage=stage), distinct=True)
            for stage, _label in FOLLOWED_STAGES
        },
        late_reports=Count("reports", filter=late, distinct=True),
    )
    rows = [(label, figures[str(stage)]) for stage, label in FOLLOWED_STAGES]
    return [*rows, ("Rapports de suivi en retard", figures["late_reports"])]

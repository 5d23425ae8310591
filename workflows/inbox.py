"""Reads of the steps waiting for someone, filtered per object in SQL (the inbox)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from guardian.models import GroupObjectPermission
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from accounts.backends import ModelPermissionBackend
from accounts.models import User
from accounts.permissions import permission_ids
from accounts.policy import Scope, allows
from accounts.search import search_terms
from accounts.selectors import (
    AnyUser,
    user_organisation_group_ids,
    user_personas,
)
from applicants.selectors.projects import project_search
from funding.flows import FundingLineFlow
from funding.models import FundingLine
from reviewers.models import Scoring
from workflows.application.selectors import INSTRUCT_PERMISSION
from workflows.catalogue import FLOWS
from workflows.models import Application, Journey
from workflows.pagination import INBOX_COUNT_CAP, CappedPaginator

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


@functools.cache
def _step_permissions() -> tuple[frozenset[str], frozenset[str]]:
    """The permissions the flows' human steps ask for: all of them, and those checked on
    the step's object (granted per object to organisation groups)."""
    every, on_objects = set(), set()
    for flow_class in FLOWS.values():
        for node in flow_class.instance.nodes():
            name = getattr(node, "_owner_permission", None)
            if isinstance(name, str) and name:
                every.add(name)
                if getattr(node, "_owner_permission_obj", None) is not None:
                    on_objects.add(name)
    return frozenset(every), frozenset(on_objects)


def _open_step_branches(user: User) -> list[QuerySet[Task]]:
    """The open steps ``user`` may take, as disjoint sets each read in inbox order through an
    index of its own (``migrations/0008``): those assigned to them; for each permission a
    step asks for, the unassigned steps asking for it, when the user holds it model-wide or
    when their organisations' kind may be granted it per object (then with the grant looked
    up in their groups). The user's model-wide permissions and memberships cost one query
    each, kept on the user for the rest of the request; the groups are passed as values, so
    PostgreSQL plans for the size of each group's grants."""
    every, on_objects = _step_permissions()
    held = every & ModelPermissionBackend().get_all_permissions(user)
    personas = user_personas(user)
    grantable = sorted(
        name
        for name in on_objects - held
        if any(allows(persona, name, Scope.LINKED) for persona in personas)
    )
    groups = user_organisation_group_ids(user)
    ids = permission_ids(grantable) if groups else {}

    open_steps = Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN).order_by()
    branches = [open_steps.filter(owner=user)]
    for name in sorted(held):
        branches.append(open_steps.filter(owner__isnull=True, owner_permission=name))
    for name, permission_id in sorted(ids.items()):
        granted = GroupObjectPermission.objects.filter(
            group_id__in=groups,
            permission_id=permission_id,
            content_type=OuterRef("owner_permission_content_type"),
            object_pk=OuterRef("owner_permission_obj_pk"),
        )
        branches.append(
            open_steps.filter(owner__isnull=True, owner_permission=name).filter(Exists(granted))
        )
    # The first signer of a funding line cannot countersign it: not their step to take.
    signed_by_user = FundingLine.objects.filter(
        Exact(OuterRef("flow_task"), Value(get_task_ref(FundingLineFlow.countersign))),
        pk=OuterRef("process_id"),
        first_signer=user,
    )
    # Nor may whoever instructed a dossier decide or countersign its funding lines.
    instructed_by_user = FundingLine.objects.filter(
        pk=OuterRef("process_id"),
        dossier__task__owner=user,
        dossier__task__status=STATUS.DONE,
        dossier__task__owner_permission=INSTRUCT_PERMISSION,
    )
    return [
        branch.exclude(Exists(signed_by_user)).exclude(Exists(instructed_by_user))
        for branch in branches
    ]


def open_tasks_for(*, user: AnyUser) -> QuerySet[Task]:
    """Steps ``user`` may take or already holds, oldest first, in one query whose cost
    follows the user's own work, not the number of steps open to everybody else."""
    if not isinstance(user, User) or not user.is_active:
        return Task.objects.none()
    first, *others = [branch.values("pk") for branch in _open_step_branches(user)]
    return (
        Task.objects.filter(pk__in=first.union(*others, all=True) if others else first)
        .select_related("owner")
        .order_by("created", "pk")
    )


@dataclass(frozen=True)
class InboxQuery:
    """What the reader narrowed their inbox to: words of the search box (person, project,
    SIRET, commune of the dossier), one kind of dossier (a key of ``FLOWS``), only the steps
    whose deadline has passed, newest first."""

    search: str = ""
    kind: str = ""
    overdue: bool = False
    newest_first: bool = False

    def condition(self) -> Q:
        """The steps' condition, read inside each branch's own query (no query more)."""
        condition = Q()
        if self.kind in FLOWS:
            condition &= Q(flow_task__startswith=_flow_prefix(self.kind))
        if self.overdue:
            condition &= Q(Exists(_passed_timers()))
        if search_terms(self.search):
            condition &= _dossier_search(self.search)
        return condition


def _flow_prefix(kind: str) -> str:
    return f"{get_flow_ref(FLOWS[kind])}."


def _passed_timers() -> QuerySet[Task]:
    return Task.objects.filter(
        process_id=OuterRef("process_id"),
        flow_task_type="TIMER",
        status=STATUS.SCHEDULED,
        scheduled__lt=timezone.now(),
    )


def _dossier_search(query: str) -> Q:
    """Steps whose dossier (a journey, an application, or the application of a scoring or
    a funding line) matches ``query`` (``project_search``)."""
    journeys = project_search(Journey.objects.all(), query, via="project__").values("pk")
    applications = project_search(Application.objects.all(), query, via="project__")
    keys = applications.values("pk")
    return (
        Q(process_id__in=journeys)
        | Q(process_id__in=keys)
        | Q(process_id__in=Scoring.objects.filter(dossier__in=keys).values("pk"))
        | Q(process_id__in=FundingLine.objects.filter(dossier__in=keys).values("pk"))
    )


def open_task_ids(*, user: AnyUser, limit: int, narrowed: InboxQuery | None = None) -> list[int]:
    """The ids of the user's ``limit`` oldest (or newest) open steps, in one query: on
    PostgreSQL each branch stops at ``limit`` rows read in inbox order, so a user with
    thousands of open steps costs no more than one with ``limit``."""
    if not isinstance(user, User) or not user.is_active:
        return []
    narrowed = narrowed or InboxQuery()
    order = ("-created", "-pk") if narrowed.newest_first else ("created", "pk")
    branches = [
        branch.filter(narrowed.condition()).values_list("pk", "created")
        for branch in _open_step_branches(user)
    ]
    if connection.features.supports_slicing_ordering_in_compound:  # not SQLite
        branches = [branch.order_by(*order)[:limit] for branch in branches]
    elif len(branches) == 1:
        branches = [branches[0].order_by(*order)]
    first, *others = branches
    rows = first.union(*others, all=True).order_by(*order) if others else first
    return [pk for pk, _ in rows[:limit]]


def inbox_page(
    *, user: AnyUser, number: Any, per_page: int, narrowed: InboxQuery | None = None
) -> Page:
    """A page of the user's open steps, each with its dossier: the ids of the first
    ``INBOX_COUNT_CAP + 1`` steps (which both count and page), then the page's steps, then
    their dossiers; three queries whatever the size of the inbox."""
    narrowed = narrowed or InboxQuery()
    ids = open_task_ids(user=user, limit=INBOX_COUNT_CAP + 1, narrowed=narrowed)
    page = CappedPaginator(ids, per_page, cap=INBOX_COUNT_CAP)
    current = page.get_page(number)
    steps = Task.objects.filter(pk__in=list(current.object_list)).select_related("owner")
    order = ("-created", "-pk") if narrowed.newest_first else ("created", "pk")
    current.object_list = with_dossiers(steps.order_by(*order))
    return current


def with_dossiers(tasks: QuerySet[Task]) -> list[Task]:
    """The steps, each with its dossier (``routing.task_dossier``) loaded, in one query
    whatever the mix of flows. A scoring's or a funding line's step belongs to the line's
    application, found by the steps' own query."""
    steps = list(
        tasks.annotate(
            dossier_pk=Coalesce(
                Subquery(Scoring.objects.filter(pk=OuterRef("process_id")).values("dossier_id")),
                Subquery(
                    FundingLine.objects.filter(pk=OuterRef("process_id")).values("dossier_id")
                ),
                F("process_id"),
                output_field=BigIntegerField(),
            )
        )
    )
    shown = ("project__commune", "holder__user")
    wanted = {step.dossier_pk for step in steps if step.dossier_pk}
    related = [f"{kind}__{path}" for kind in ("journey", "application") for path in shown]
    dossiers: dict[int, Any] = {}
    for process in Process.objects.filter(pk__in=wanted).select_related(*related):
        dossiers[process.pk] = getattr(process, "journey", None) or getattr(
            process, "application", None
        )
    for step in steps:
        step.dossier_cache = dossiers.get(step.dossier_pk)
    return steps

"""The inbox's export (``workflows:inbox``): the steps its pages list, up to its cap, with
their dossiers, read as the inbox reads them (``workflows.inbox``)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from viewflow.workflow.models import Task

from accounts.listing import ListFilter
from applicants.exports import at
from exports.registry import Column, Kind, ListExport, ListRequest, register
from workflows.filters import InboxFilter
from workflows.inbox import open_task_ids, with_dossiers
from workflows.pagination import INBOX_COUNT_CAP
from workflows.routing import task_dossier


def _filterset(user: Any, query: QueryDict, request: ListRequest) -> ListFilter:
    return InboxFilter(query, request=request)


def _steps(user: Any, query: QueryDict) -> list[Task]:
    # As workflows.views.inbox reads its pages: the ids up to the cap, then the steps.
    narrowed = InboxFilter(query).narrowed()
    ids = open_task_ids(user=user, limit=INBOX_COUNT_CAP + 1, narrowed=narrowed)
    order = ("-created", "-pk") if narrowed.newest_first else ("created", "pk")
    return with_dossiers(Task.objects.filter(pk__in=ids).select_related("owner").order_by(*order))


def _of_dossier(path: str) -> Any:
    inner = at(path)
    return lambda task: inner(task_dossier(task))


register(
    ListExport(
        name="mes-taches",
        title="Mes tâches",
        noun=("étape en attente", "étapes en attente"),
        page="workflows:inbox",
        filterset=_filterset,
        read=_steps,
        columns=(
            Column("Étape", lambda t: t.flow_task.task_title or t.flow_task.name, width=32),
            Column("Prise par", lambda t: str(t.owner) if t.owner else None, width=24),
            Column("Projet", _of_dossier("project.title"), width=40),
            Column("Commune", _of_dossier("project.commune.name")),
            Column("Porteur·se", _of_dossier("holder.user"), width=28),
            Column("En attente depuis le", at("created"), Kind.DATE),
        ),
    )
)

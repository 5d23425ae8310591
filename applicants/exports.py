"""Exports of the projects list and the QPV queue, and the columns every list of projects
or dossiers shares (``via``: the path from the row to its project, "" or "project__")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import QueryDict

from accounts.listing import ListFilter
from applicants.filters import ProjectFilter, QpvQueueFilter
from applicants.models import QpvSource
from applicants.selectors.projects import project_list
from applicants.selectors.territory import projects_awaiting_qpv_verification
from exports.registry import Column, Kind, ListExport, ListRequest, register


def at(path: str) -> Callable[[Any], Any]:
    """The value at ``a.b.c`` of a row, or None when a link on the way is empty."""
    names = path.split(".")

    def value(obj: Any) -> Any:
        for name in names:
            if obj is None:
                return None
            obj = getattr(obj, name)
        return obj

    return value


def qpv_words(determination: Any) -> str:
    """The QPV situation as the lists' badge says it."""
    if determination is None:
        return "Non déterminé"
    words = determination.get_outcome_display()
    if determination.qpv_name:
        words += f" — {determination.qpv_name}"
    if determination.source == QpvSource.DECLARED:
        words += " (déclaré, à confirmer par la MEL)"
    return words


def project_columns(via: str) -> tuple[Column, ...]:
    """Project, holder, structure, commune, QPV and support organisation of a row."""
    project = at(via.rstrip("_").replace("__", ".")) if via else (lambda obj: obj)

    def of(path: str) -> Callable[[Any], Any]:
        inner = at(path)
        return lambda obj: inner(project(obj))

    return (
        Column("Projet", of("title"), width=40),
        Column("Porteur·se", lambda obj: str(project(obj).holder.user), width=28),
        Column("E-mail du porteur·se", of("holder.user.email"), contacts=True, width=32),
        Column("Structure", of("structure.name"), width=32),
        Column("SIRET", of("structure.siret"), contacts=True, width=16),
        Column("Commune", of("commune.name")),
        Column("Quartier prioritaire (QPV)", lambda obj: qpv_words(project(obj).current_qpv)),
        Column("Accompagnement", of("support_organisation.name"), width=32),
    )


PROJECT_JOINS = ("holder__user", "structure", "commune", "support_organisation", "current_qpv")


def _projects(user: Any, query: QueryDict, request: ListRequest) -> ListFilter:
    # As applicants.views.project_index builds it.
    return ProjectFilter(query, queryset=project_list(user=user), request=request)


def _qpv_queue(user: Any, query: QueryDict, request: ListRequest) -> ListFilter:
    # As applicants.views_qpv.qpv_queue builds it.
    projects = projects_awaiting_qpv_verification(user=user)
    return QpvQueueFilter(query, queryset=projects, request=request)


def _project_columns() -> tuple[Column, ...]:
    return (
        Column("N° de projet", lambda p: str(p.pk), width=10),
        *project_columns(""),
        Column("Secteur", lambda p: p.get_sector_display()),
        Column("Stade", lambda p: p.get_stage_display()),
        Column("Emplois prévus (ETP)", at("jobs_planned_fte"), Kind.NUMBER),
        Column("Créé le", at("created_at"), Kind.DATE),
    )


register(
    ListExport(
        name="projets",
        title="Projets",
        noun=("projet", "projets"),
        page="applicants:project_list",
        filterset=_projects,
        columns=_project_columns(),
        joins=PROJECT_JOINS,
    )
)

register(
    ListExport(
        name="qpv-a-verifier",
        title="Situations QPV à vérifier",
        noun=("projet", "projets"),
        page="applicants:qpv_queue",
        filterset=_qpv_queue,
        columns=(
            Column("N° de projet", lambda p: str(p.pk), width=10),
            *project_columns(""),
            Column("Adresse de l'activité", at("address"), width=40),
            Column("Code postal", at("postal_code"), width=10),
            Column("Situation constatée le", at("current_qpv.decided_at"), Kind.DATE),
        ),
        joins=PROJECT_JOINS,
        may_open=lambda user: user.has_perm("applicants.add_qpvdetermination"),
    )
)

"""The applications list's export (``workflows:application_list``)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from accounts.listing import ListFilter
from applicants.exports import PROJECT_JOINS, at, project_columns
from exports.registry import Column, Kind, ListExport, ListRequest, register
from workflows.application.filters import ApplicationFilter
from workflows.application.selectors import application_list


def _filterset(user: Any, query: QueryDict, request: ListRequest) -> ListFilter:
    # As workflows.application.views.application_index builds it.
    return ApplicationFilter(query, queryset=application_list(user=user), request=request)


register(
    ListExport(
        name="candidatures",
        title="Candidatures",
        noun=("candidature", "candidatures"),
        page="workflows:application_list",
        filterset=_filterset,
        columns=(
            Column("N° de dossier", lambda a: str(a.pk), width=10),
            *project_columns("project__"),
            Column("Étape", lambda a: a.get_stage_display()),
            Column("Programme", at("rule_version.programme.name"), width=32),
            Column("Volet", lambda a: a.get_axis_display()),
            Column("Montant demandé", at("requested_amount"), Kind.MONEY),
            Column("Budget total", at("total_budget"), Kind.MONEY),
            Column("Emplois prévus (ETP)", at("jobs_planned_fte"), Kind.NUMBER),
            Column("Séance du comité", at("committee_session.starts_at"), Kind.DATE),
            Column("Créée le", at("created"), Kind.DATE),
            Column("Déposée le", at("submitted_at"), Kind.DATE),
            Column("Décision du comité le", at("decided_at"), Kind.DATE),
        ),
        joins=(
            *(f"project__{join}" for join in PROJECT_JOINS),
            "holder__user",
            "committee_session",
            "rule_version__programme",
        ),
    )
)

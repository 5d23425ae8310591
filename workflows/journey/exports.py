"""The journeys list's export (``workflows:journey_list``)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from accounts.listing import ListFilter
from applicants.exports import PROJECT_JOINS, at, project_columns
from exports.registry import Column, Kind, ListExport, ListRequest, register
from workflows.journey.filters import JourneyFilter
from workflows.journey.selectors import journey_list


def _filterset(user: Any, query: QueryDict, request: ListRequest) -> ListFilter:
    # As workflows.journey.views.journey_index builds it.
    return JourneyFilter(query, queryset=journey_list(user=user), request=request)


def _support(journey: Any) -> str | None:
    # The page's column: the organisation supporting the project, or the one proposed.
    organisation = journey.project.support_organisation or journey.proposed_organisation
    return organisation.name if organisation else None


register(
    ListExport(
        name="parcours",
        title="Parcours",
        noun=("parcours", "parcours"),
        page="workflows:journey_list",
        filterset=_filterset,
        columns=(
            Column("N° de parcours", lambda j: str(j.pk), width=10),
            *(c for c in project_columns("project__") if c.label != "Accompagnement"),
            Column("Étape", lambda j: j.get_stage_display()),
            Column("Accompagnement", _support, width=32),
            Column("Premier contact le", at("created"), Kind.DATE),
        ),
        joins=(
            *(f"project__{join}" for join in PROJECT_JOINS),
            "holder__user",
            "proposed_organisation",
        ),
    )
)

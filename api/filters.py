"""Filters of the lists, by date and state; a bad value gets a French 400."""

from __future__ import annotations

import django_filters as filters

from funding.models import FundingLine, LineState, Tranche
from reviewers.models import Deliberation, Outcome
from workflows.models import Application, ApplicationStatus


def since(field: str, words: str) -> filters.DateFilter:
    """``<words> ce jour ou après``: a day filter on a date-time field (AAAA-MM-JJ)."""
    return filters.DateFilter(
        field_name=field,
        lookup_expr="date__gte",
        help_text=f"{words} ce jour ou après (AAAA-MM-JJ).",
    )


def until(field: str, words: str) -> filters.DateFilter:
    return filters.DateFilter(
        field_name=field,
        lookup_expr="date__lte",
        help_text=f"{words} ce jour ou avant (AAAA-MM-JJ).",
    )


class DossierFilter(filters.FilterSet):
    stage = filters.ChoiceFilter(
        choices=ApplicationStatus.choices, help_text="Seulement les dossiers à cette étape."
    )
    submitted_after = since("submitted_at", "Déposés")
    submitted_before = until("submitted_at", "Déposés")

    class Meta:
        model = Application
        fields = ["stage", "submitted_after", "submitted_before"]


class FundingLineFilter(filters.FilterSet):
    state = filters.ChoiceFilter(
        choices=LineState.choices, help_text="Seulement les lignes dans cet état."
    )
    decided_after = since("first_signed_at", "Décidées")
    decided_before = until("first_signed_at", "Décidées")

    class Meta:
        model = FundingLine
        fields = ["state", "decided_after", "decided_before"]


class DecisionFilter(filters.FilterSet):
    outcome = filters.ChoiceFilter(
        choices=Outcome.choices, help_text="Seulement les avis de ce type."
    )
    recorded_after = since("recorded_at", "Avis rendus")
    recorded_before = until("recorded_at", "Avis rendus")

    class Meta:
        model = Deliberation
        fields = ["outcome", "recorded_after", "recorded_before"]


class TrancheFilter(filters.FilterSet):
    released = filters.BooleanFilter(
        field_name="released_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="true : tranches versées ; false : tranches à venir.",
    )
    released_after = since("released_at", "Versées")

    class Meta:
        model = Tranche
        fields = ["released", "released_after"]

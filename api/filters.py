"""Filters of the lists, by date and state; a bad value gets a French 400."""

from __future__ import annotations

import django_filters as filters

from funding.models import FundingLine, LineState, Tranche
from reviewers.models import Deliberation, Outcome
from workflows.models import Application, ApplicationStatus


class DossierFilter(filters.FilterSet):
    stage = filters.ChoiceFilter(
        choices=ApplicationStatus.choices, help_text="Seulement les dossiers à cette étape."
    )
    submitted_after = filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__gte",
        help_text="Déposés ce jour ou après (AAAA-MM-JJ).",
    )
    submitted_before = filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__lte",
        help_text="Déposés ce jour ou avant (AAAA-MM-JJ).",
    )

    class Meta:
        model = Application
        fields = ["stage", "submitted_after", "submitted_before"]


class FundingLineFilter(filters.FilterSet):
    state = filters.ChoiceFilter(
        choices=LineState.choices, help_text="Seulement les lignes dans cet état."
    )
    decided_after = filters.DateFilter(
        field_name="first_signed_at",
        lookup_expr="date__gte",
        help_text="Décidées ce jour ou après (AAAA-MM-JJ).",
    )
    decided_before = filters.DateFilter(
        field_name="first_signed_at",
        lookup_expr="date__lte",
        help_text="Décidées ce jour ou avant (AAAA-MM-JJ).",
    )

    class Meta:
        model = FundingLine
        fields = ["state", "decided_after", "decided_before"]


class DecisionFilter(filters.FilterSet):
    outcome = filters.ChoiceFilter(
        choices=Outcome.choices, help_text="Seulement les avis de ce type."
    )
    recorded_after = filters.DateFilter(
        field_name="recorded_at",
        lookup_expr="date__gte",
        help_text="Avis rendus ce jour ou après (AAAA-MM-JJ).",
    )
    recorded_before = filters.DateFilter(
        field_name="recorded_at",
        lookup_expr="date__lte",
        help_text="Avis rendus ce jour ou avant (AAAA-MM-JJ).",
    )

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
    released_after = filters.DateFilter(
        field_name="released_at",
        lookup_expr="date__gte",
        help_text="Versées ce jour ou après (AAAA-MM-JJ).",
    )

    class Meta:
        model = Tranche
        fields = ["released", "released_after"]

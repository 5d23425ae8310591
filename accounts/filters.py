"""The organisations list's filters and sort keys."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from accounts.listing import BooleanChoice, ListFilter
from accounts.models import OrganisationKind
from accounts.search import folded
from accounts.selectors import organisation_search


class OrganisationFilter(ListFilter):
    SEARCH_LABEL = "Rechercher une organisation"
    SEARCH_HELP = "Nom, e-mail ou adresse (avec la commune) ; les accents sont facultatifs."
    SORTS = {
        "nom": ("Nom", ("name_key",)),
        "type": ("Type", ("kind", "name_key")),
    }
    SORT_ALIASES = {"name_key": lambda: folded("name")}

    type = django_filters.ChoiceFilter(
        choices=OrganisationKind.choices,
        field_name="kind",
        label="Type d'organisation",
        empty_label="Tous les types",
    )
    active = BooleanChoice(method="by_active", label="Active")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return organisation_search(queryset, value)

    def by_active(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(is_active=value == "oui")

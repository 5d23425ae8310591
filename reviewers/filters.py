"""The committee sessions list's filters and sort keys."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from accounts.listing import ListFilter
from accounts.search import folded
from funding.models import Programme
from reviewers.models import SessionStatus
from reviewers.selectors import session_search


class SessionFilter(ListFilter):
    SEARCH_LABEL = "Rechercher une séance, un lieu ou un dossier inscrit"
    SEARCH_HELP = (
        "Comité, lieu, ou nom de la personne, du projet, SIRET ou commune d'un dossier inscrit ; "
        "les accents sont facultatifs."
    )
    SORTS = {
        "date": ("Date", ("starts_at",)),
        "comite": ("Comité", ("committee_key",)),
    }
    SORT_ALIASES = {"committee_key": lambda: folded("committee__name")}

    statut = django_filters.ChoiceFilter(
        choices=SessionStatus.choices,
        field_name="status",
        label="Statut",
        empty_label="Tous les statuts",
    )
    periode = django_filters.ChoiceFilter(
        choices=[("a_venir", "À venir"), ("passees", "Passées")],
        method="by_period",
        label="Période",
        empty_label="Toutes les séances",
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=lambda request: Programme.objects.order_by("name", "pk"),
        field_name="programme",
        label="Programme",
        empty_label="Tous",
    )

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return session_search(queryset, value, contacts=self.reads_contacts())

    def by_period(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        now = timezone.now()
        if value == "a_venir":
            return queryset.filter(starts_at__gte=now)
        return queryset.filter(starts_at__lt=now)

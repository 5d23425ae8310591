"""The filters every list of projects or dossiers offers: the search box (``project_search``),
the commune, the QPV situation and the support organisation."""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from accounts.listing import ListFilter
from accounts.models import Organisation, OrganisationKind
from accounts.search import Unaccent, folded
from applicants.models import Commune, ProjectStage, QpvOutcome
from applicants.selectors.projects import project_search

SEARCH_HELP = "Nom de la personne, nom du projet, SIRET ou commune ; les accents sont facultatifs."


def _communes(request: Any) -> QuerySet[Commune]:
    # French order: "Pérenchies" between "Péronne" and "Prémesques", not after "Provin".
    return Commune.objects.in_mel().order_by(Lower(Unaccent("name")), "insee_code")


def _support_organisations(request: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.SUPPORT, is_active=True).order_by(
        Lower(Unaccent("name")), "pk"
    )


class ProjectRowsFilter(ListFilter):
    """Filters on rows that are projects (``VIA = ""``) or reach one (``"project__"``)."""

    VIA: ClassVar[str] = ""
    SEARCH_LABEL = "Rechercher une personne, un projet, un SIRET ou une commune"
    SEARCH_HELP = SEARCH_HELP

    commune = django_filters.ModelChoiceFilter(
        queryset=_communes, method="by_commune", label="Commune", empty_label="Toutes"
    )
    qpv = django_filters.ChoiceFilter(
        choices=QpvOutcome.choices,
        method="by_qpv",
        label="Quartier prioritaire (QPV)",
        empty_label="Toutes les situations",
    )
    accompagnement = django_filters.ModelChoiceFilter(
        queryset=_support_organisations,
        method="by_support",
        label="Structure d'accompagnement",
        empty_label="Toutes",
    )

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return project_search(queryset, value, via=self.VIA, contacts=self.reads_contacts())

    def by_commune(self, queryset: QuerySet[Any], name: str, value: Commune) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.VIA}commune": value})

    def by_qpv(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        outcome = Q(**{f"{self.VIA}current_qpv__outcome": value})
        if value == QpvOutcome.TO_VERIFY:  # never determined: to verify as well
            outcome |= Q(**{f"{self.VIA}current_qpv__isnull": True})
        return queryset.filter(outcome)

    def by_support(self, queryset: QuerySet[Any], name: str, value: Organisation) -> Any:
        return queryset.filter(**{f"{self.VIA}support_organisation": value})


PROJECT_NAME_SORTS = {
    "title_key": lambda: folded("title"),
    "last_name_key": lambda: folded("holder__user__last_name"),
    "first_name_key": lambda: folded("holder__user__first_name"),
    "commune_key": lambda: folded("commune__name"),
}


class ProjectFilter(ProjectRowsFilter):
    """The projects list."""

    SORTS = {
        "date": ("Date de création", ("created_at",)),
        "nom": ("Projet", ("title_key",)),
        "porteur": ("Porteur·se", ("last_name_key", "first_name_key")),
        "commune": ("Commune", ("commune_key",)),
    }
    SORT_ALIASES = PROJECT_NAME_SORTS

    stade = django_filters.ChoiceFilter(
        choices=ProjectStage.choices,
        field_name="stage",
        label="Stade du projet",
        empty_label="Tous les stades",
    )


class QpvQueueFilter(ProjectRowsFilter):
    """The QPV situations to verify: by commune, oldest finding first by default."""

    SORTS = {
        "date": ("Date de la situation", ("current_qpv__decided_at",)),
        "nom": ("Projet", ("title_key",)),
        "commune": ("Commune", ("commune_key",)),
    }
    SORT_ALIASES = PROJECT_NAME_SORTS
    qpv = None  # type: ignore[assignment]  # every row waits for its QPV verification

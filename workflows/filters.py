"""The inbox's search box and filters: a form read into ``inbox.InboxQuery`` (the inbox
is read through its own union of branches, not a queryset django-filter could narrow)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from viewflow.workflow.models import Task

from accounts.listing import BooleanChoice, ListFilter
from applicants.filters import SEARCH_HELP
from workflows.inbox import InboxQuery

KINDS = [
    ("parcours", "Parcours (tri, orientation, accompagnement)"),
    ("candidature", "Candidature (vérifications, comité)"),
    ("notation", "Notation par le comité"),
    ("ligne-de-financement", "Financement"),
]


class InboxFilter(ListFilter):
    SEARCH_LABEL = "Rechercher une personne, un projet, un SIRET ou une commune"
    SEARCH_HELP = SEARCH_HELP
    SORTS = {"date": ("En attente depuis le", ("created",))}

    type = django_filters.ChoiceFilter(
        choices=KINDS, method="unused", label="Type de dossier", empty_label="Tous"
    )
    retard = BooleanChoice(
        method="unused",
        label="Échéance dépassée",
        choices=[("oui", "Seulement les échéances dépassées")],
        empty_label="Toutes les étapes",
    )

    def __init__(self, data: Any, **kwargs: Any) -> None:
        super().__init__(data, queryset=Task.objects.none(), **kwargs)

    def unused(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset  # read by ``narrowed`` instead

    def narrowed(self) -> InboxQuery:
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return InboxQuery(
            search=data.get("q") or "",
            kind=data.get("type") or "",
            overdue=data.get("retard") == "oui",
            newest_first=data.get("tri") == "-date",
        )

"""The journeys list's filters and sort keys."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from accounts.listing import BooleanChoice
from accounts.search import folded
from applicants.filters import ProjectRowsFilter
from workflows.deadlines import deadline_passed, next_deadline_of_process
from workflows.models import JourneyStage


class JourneyFilter(ProjectRowsFilter):
    VIA = "project__"
    SORTS = {
        "date": ("Date du premier contact", ("created",)),
        "nom": ("Projet", ("title_key",)),
        "porteur": ("Porteur·se", ("last_name_key", "first_name_key")),
        "echeance": ("Échéance", ("deadline",)),
    }
    SORT_ALIASES = {
        "deadline": next_deadline_of_process,
        "title_key": lambda: folded("project__title"),
        "last_name_key": lambda: folded("holder__user__last_name"),
        "first_name_key": lambda: folded("holder__user__first_name"),
    }

    etape = django_filters.ChoiceFilter(
        choices=JourneyStage.choices,
        field_name="stage",
        label="Étape",
        empty_label="Toutes les étapes",
    )
    retard = BooleanChoice(method="by_overdue", label="Échéance dépassée")

    def by_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        passed = deadline_passed(now=timezone.now())
        return queryset.filter(passed) if value == "oui" else queryset.exclude(passed)

"""What the journeys and applications lists filter and sort alike: a dossier's project and
holder, its next deadline, and whether that deadline has passed."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.listing import BooleanChoice
from accounts.search import folded
from applicants.filters import ProjectRowsFilter
from workflows.deadlines import deadline_passed, next_deadline_of_process


class DossierFilter(ProjectRowsFilter):
    VIA = "project__"
    SORT_ALIASES = {
        "deadline": next_deadline_of_process,
        "title_key": lambda: folded("project__title"),
        "last_name_key": lambda: folded("holder__user__last_name"),
        "first_name_key": lambda: folded("holder__user__first_name"),
    }

    retard = BooleanChoice(method="by_overdue", label="Échéance dépassée")

    def by_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        passed = deadline_passed(now=timezone.now())
        return queryset.filter(passed) if value == "oui" else queryset.exclude(passed)

"""Reads of the territory reference data and of the QPV checks waiting for staff."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.french import french_order
from accounts.selectors import AnyUser, filter_visible
from applicants.models import Commune, Project, QpvArea, QpvOutcome, QpvSource


def mel_communes() -> QuerySet[Commune]:
    """The member communes of the MEL, by name (for the commune picker)."""
    return Commune.objects.in_mel().order_by(*french_order("name"))


def qpv_areas_for_commune(*, commune: Commune, generation: int) -> QuerySet[QpvArea]:
    """The QPV of one generation that cover ``commune``: the choices of the declared path."""
    return QpvArea.objects.filter(communes=commune, generation=generation).order_by(
        *french_order("name"), "code"
    )


def perimeters_loaded(generation: int) -> bool:
    """Whether any perimeter of ``generation`` is loaded, i.e. the QPV can be computed."""
    return QpvArea.objects.filter(generation=generation, perimeter__isnull=False).exists()


def projects_awaiting_qpv_verification(*, user: AnyUser) -> QuerySet[Project]:
    """Projects the user may see whose QPV situation is still to verify or only declared,
    oldest finding first."""
    queryset = (
        Project.objects.filter(
            Q(current_qpv__outcome=QpvOutcome.TO_VERIFY) | Q(current_qpv__source=QpvSource.DECLARED)
        )
        .select_related("holder__user", "commune", "current_qpv")
        .order_by("current_qpv__decided_at", "pk")
    )
    return filter_visible(user, queryset)

"""Reads of projects and structures, filtered per object for the user."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts.french import french_order
from accounts.selectors import AnyUser, filter_visible
from applicants.models import Person, Project, Structure


def project_list(*, user: AnyUser) -> QuerySet[Project]:
    """Projects the user may see, with everything a list row shows fetched in one query."""
    queryset = Project.objects.select_related(
        "holder__user", "structure", "commune", "support_organisation", "current_qpv"
    ).order_by("-created_at", "-pk")
    return filter_visible(user, queryset)


def project_detail_queryset() -> QuerySet[Project]:
    return Project.objects.select_related(
        "holder__user",
        "structure__legal_form",
        "structure__commune",
        "commune",
        "support_organisation",
        "current_qpv__decided_by",
    )


def structure_list(*, user: AnyUser) -> QuerySet[Structure]:
    queryset = Structure.objects.select_related("legal_form", "commune", "holder__user")
    return filter_visible(user, queryset.order_by(*french_order("name"), "pk"))


def structure_detail_queryset() -> QuerySet[Structure]:
    return Structure.objects.select_related("legal_form", "commune", "holder__user")


def person_projects(*, person: Person) -> QuerySet[Project]:
    # ``journey``: the project's dossier, whose status page the holder's lists link to.
    return (
        Project.objects.filter(holder=person)
        .select_related("structure", "commune", "support_organisation", "current_qpv", "journey")
        .order_by("-created_at")
    )


def person_structures(*, person: Person) -> QuerySet[Structure]:
    return Structure.objects.filter(holder=person).select_related("legal_form", "commune")


def project_counts(*, group_by: str) -> list[dict[str, object]]:
    """Counts of projects per value of one field, for aggregate dashboards only."""
    return list(
        Project.objects.values(group_by).annotate(total=Count("pk")).order_by("-total", group_by)
    )

"""Reads of projects and structures, filtered per object for the user."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Count, Model, QuerySet

from accounts.french import french_order
from accounts.search import text_search
from accounts.selectors import AnyUser, filter_visible
from applicants.models import Person, Project, Structure

M = TypeVar("M", bound=Model)


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


# What the search box of every staff list looks in, from a project: its title, its holder's
# name and e-mail, its structure's name and SIRET, its commune.
PROJECT_SEARCH_FIELDS = (
    "title",
    "holder__user__first_name",
    "holder__user__last_name",
    "holder__user__email",
    "structure__name",
    "structure__siret",
    "commune__name",
)


# Searched only for readers who are shown them (MEL staff): otherwise a search would tell a
# partner whether a guessed address or SIRET belongs to a dossier it sees.
CONTACT_SEARCH_FIELDS = ("holder__user__email", "structure__siret")


def project_search(
    queryset: QuerySet[M], query: str, *, via: str = "", contacts: bool = False
) -> QuerySet[M]:
    """``queryset`` (of projects, or of rows reaching their project through ``via``, e.g.
    ``"project__"``) restricted to the projects matching every word of ``query``, accents
    and case ignored; e-mail and SIRET too when ``contacts``. It only narrows: what the
    reader may see was filtered before."""
    fields = [f for f in PROJECT_SEARCH_FIELDS if contacts or f not in CONTACT_SEARCH_FIELDS]
    return text_search(queryset, query, [f"{via}{field}" for field in fields])

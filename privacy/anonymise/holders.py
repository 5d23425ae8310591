"""The holder's side: which of their projects are still live, and their structures.

A project is live while its dossier is not anonymised (a project without a journey yet
counts as live). A structure carrying a live project keeps its identity: it is still needed.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from applicants.models import Project, Structure

from ..models import AnonymisedDossier
from .texts import anonymous_structure_name

IDENTITY_BLANKS = {
    "acronym": "",
    "siren": "",
    "siret": "",
    "rna": "",
    "iban": "",
    "bic": "",
    "address": "",
}


def live_projects(
    *, holder_id: int | OuterRef, excluding_project_id: int | None = None
) -> QuerySet[Project]:
    """The holder's projects whose dossier is not anonymised; ``holder_id`` may be an
    ``OuterRef`` (a subquery per person)."""
    anonymised = AnonymisedDossier.objects.filter(journey__project=OuterRef("pk"))
    projects = Project.objects.filter(Q(holder_id=holder_id)).exclude(Exists(anonymised))
    if excluding_project_id is not None:
        projects = projects.exclude(pk=excluding_project_id)
    return projects


def structures_scrub(
    *, holder_id: int, only_pk: int | None = None, excluding_project_id: int | None = None
) -> int:
    """Remove the name, identifiers, bank details and street address of the holder's
    structures (or of ``only_pk``) that carry no live project; keep legal form, NAF code,
    ESUS status, dates, postal code and commune. The number of structures changed."""
    structures = Structure.objects.filter(holder_id=holder_id)
    if only_pk is not None:
        structures = structures.filter(pk=only_pk)
    live = live_projects(holder_id=holder_id, excluding_project_id=excluding_project_id)
    structures = structures.exclude(Exists(live.filter(structure=OuterRef("pk"))))
    changed = 0
    for structure in structures:
        wanted = {**IDENTITY_BLANKS, "name": anonymous_structure_name(structure.pk)}
        if all(getattr(structure, name) == value for name, value in wanted.items()):
            continue
        changed += Structure.objects.filter(pk=structure.pk).update(**wanted)
    return changed

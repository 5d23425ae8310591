"""Projects and the support organisation following each of them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind, User
from accounts.services import Grant, access_grant, access_grant_all, access_revoke
from applicants.models import Person, Project, Structure

LOCATION_COLUMNS = ("address", "postal_code", "commune_id")


def project_create(*, holder: Person, actor: User | None = None, **fields: Any) -> Project:
    """Record a project, then find out whether its activity address is in a QPV."""
    project = Project(holder=holder, **fields)
    project.full_clean()
    with transaction.atomic():
        project.save()
    _locate(project, actor)
    return project


def project_update(*, project: Project, actor: User | None = None, **fields: Any) -> Project:
    """Change a project; a new activity address means a new QPV determination."""
    # Compared with the stored row: a bound ModelForm has already changed the instance.
    before = Project.objects.values_list(*LOCATION_COLUMNS, "structure_id").get(pk=project.pk)
    *before_location, before_structure_id = before
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    with transaction.atomic():
        project.save()
        if project.structure_id != before_structure_id:
            _move_structure_access(project, before_structure_id)
    after = tuple(getattr(project, column) for column in LOCATION_COLUMNS)
    if after != tuple(before_location) or project.current_qpv_id is None:
        _locate(project, actor)
    return project


def _locate(project: Project, actor: User | None) -> None:
    # Outside the save transaction: the geocoder may take seconds and must not hold locks.
    # Also without a commune: a stale finding must not outlive the address it was about.
    from .territory import qpv_determine

    qpv_determine(project=project, actor=actor)


@transaction.atomic
def project_assign_support_organisation(*, project: Project, organisation: Organisation) -> Project:
    """Entrust a project to a support organisation: its group may then view and change it
    (and view its structure); the previous organisation, if any, loses that access."""
    if organisation.kind != OrganisationKind.SUPPORT:
        raise ApplicationError("Seule une structure d'accompagnement peut suivre un projet.")
    previous = project.support_organisation
    if previous is not None and previous.pk != organisation.pk:
        _revoke(project, previous)
    project.support_organisation = organisation
    project.save(update_fields=["support_organisation", "updated_at"])
    grants: list[Grant] = [(project, None)]
    if project.structure is not None:
        grants.append((project.structure, None))
    access_grant_all(organisation=organisation, grants=grants)
    return project


@transaction.atomic
def project_release_support_organisation(*, project: Project) -> Project:
    """End the support relationship: the organisation's access is withdrawn at once."""
    if project.support_organisation is None:
        return project
    _revoke(project, project.support_organisation)
    project.support_organisation = None
    project.save(update_fields=["support_organisation", "updated_at"])
    return project


def _revoke(project: Project, organisation: Organisation) -> None:
    access_revoke(organisation=organisation, obj=project)
    if project.structure is not None:
        _revoke_structure_unless_linked(project.structure, organisation, project)


def _revoke_structure_unless_linked(
    structure: Structure, organisation: Organisation, project: Project
) -> None:
    # The structure stays visible while the organisation supports another of its projects.
    still_linked = structure.projects.filter(support_organisation=organisation).exclude(
        pk=project.pk
    )
    if not still_linked.exists():
        access_revoke(organisation=organisation, obj=structure)


def _move_structure_access(project: Project, old_structure_id: int | None) -> None:
    """The supporting organisation follows the project to its new structure."""
    organisation = project.support_organisation
    if organisation is None:
        return
    if old_structure_id is not None:
        old = Structure.objects.get(pk=old_structure_id)
        _revoke_structure_unless_linked(old, organisation, project)
    if project.structure is not None:
        access_grant(organisation=organisation, obj=project.structure)

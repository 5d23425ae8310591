"""A batch's object permissions, as the services grant them: the supporting organisation's
group on its projects, structures, journeys and applications (orientation accepted), each
financier's group on its funding lines and their dossiers (``funding_line_opened``). Lists
and API pages of a support organisation or a financier then read as many rows as in
production."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import models
from guardian.models import GroupObjectPermission

from accounts.models import Organisation
from accounts.permissions import permission_ids
from applicants.models import Project, Structure
from funding.models import FundingLine
from workflows.models import Application, Journey

from .writer import insert

Actions = dict[type[models.Model], tuple[str, ...]]

SUPPORT: Actions = {
    Project: ("view", "change"),
    Structure: ("view",),
    Journey: ("view", "orient", "support"),
    Application: ("view", "fill"),
}
FINANCIER: Actions = {FundingLine: ("view", "sign"), Application: ("view",)}


def grants(
    projects: list[Project],
    journeys: list[Journey],
    applications: list[Application],
    lines: list[FundingLine],
) -> None:
    groups = dict(Organisation.objects.values_list("pk", "group_id"))
    by_project = {a.project_id: a for a in applications}
    rows: set[tuple[int, int, int, str]] = set()
    for project, journey in zip(projects, journeys, strict=True):
        organisation = project.support_organisation_id
        if organisation is None:
            continue
        application = by_project.get(project.pk)
        targets: list[tuple[type[models.Model], int | None]] = [
            (Project, project.pk),
            (Structure, project.structure_id),
            (Journey, journey.pk),
            (Application, application.pk if application else None),
        ]
        rows.update(_rows(groups[organisation], targets, SUPPORT))
    for line in lines:
        targets = [(FundingLine, line.pk), (Application, line.dossier_id)]
        rows.update(_rows(groups[line.organisation_id], targets, FINANCIER))
    insert(
        GroupObjectPermission,
        [
            GroupObjectPermission(
                group_id=group, permission_id=permission, content_type_id=ct, object_pk=pk
            )
            for group, permission, ct, pk in sorted(rows)
        ],
        keys=False,
    )


def _rows(
    group: int,
    targets: list[tuple[type[models.Model], int | None]],
    actions: Actions,
) -> Iterator[tuple[int, int, int, str]]:
    for model, pk in targets:
        if pk is None:
            continue
        opts = model._meta
        names = [f"{opts.app_label}.{action}_{opts.model_name}" for action in actions[model]]
        content_type = ContentType.objects.get_for_model(model).pk
        for permission in permission_ids(names).values():
            yield group, permission, content_type, str(pk)

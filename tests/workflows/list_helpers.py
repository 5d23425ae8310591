"""Dossiers named for the staff lists' search tests: accents, SIRET, communes."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from applicants.models import Commune, Project
from tests.factories.applicants import StructureFactory
from tests.workflows.application_helpers import make_waiting_applications
from workflows.models import Application


def perenchies() -> Commune:
    return Commune.objects.get_or_create(
        insee_code="59457", defaults={"name": "Pérenchies", "epci_siren": "200093201"}
    )[0]


def draft_dossiers(count: int) -> list[Application]:
    """``count`` new dossiers (drafts whose holder must file them), oldest first."""
    before = set(Application.objects.values_list("pk", flat=True))
    make_waiting_applications(count)
    return list(Application.objects.exclude(pk__in=before).order_by("pk"))


def rename(
    application: Application,
    *,
    title: str,
    first_name: str = "",
    last_name: str = "",
    commune: Commune | None = None,
    siret: str = "",
    **fields: Any,
) -> Application:
    """Give the dossier's project, holder and structure the names a test searches for."""
    project = application.project
    changes: dict[str, Any] = {"title": title}
    if commune is not None:
        changes["commune"] = commune
    if siret:
        changes["structure"] = StructureFactory.create(
            holder=project.holder, siret=siret, siren=siret[:9], name=f"Structure de {title}"
        )
    Project.objects.filter(pk=project.pk).update(**changes)
    if first_name or last_name:
        User.objects.filter(pk=project.holder_id).update(first_name=first_name, last_name=last_name)
    if fields:
        Application.objects.filter(pk=application.pk).update(**fields)
    application.refresh_from_db()
    return application

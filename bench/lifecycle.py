"""A dossier's whole life driven through the real engine and services, as the demo does:
first contact → triage → orientation → support → ready → application filed → complete →
eligible → instructed → scored → favourable → grant signed → convention → advance →
reports → balance → closed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from applicants.models import Commune, Sector
from applicants.services import person_register, project_create
from demo.applications import seed_eligible
from demo.award import seed_after_committee
from demo.committee import instruct, score
from demo.journeys import seed_journey
from demo.people import STAGE_ACTORS
from funding.models import Programme
from reviewers.models import CommitteeSession, SessionStatus
from reviewers.services.sessions import committee_session_create, committee_session_set_status
from workflows.models import Application, JourneyStage

from .context import DEMO_DOMAIN

AMOUNT = Decimal("12000")


def people() -> dict[str, User]:
    return {local: User.objects.get(email=f"{local}@{DEMO_DOMAIN}") for local in STAGE_ACTORS}


def staff() -> User:
    return User.objects.get(email=f"charge.mission@{DEMO_DOMAIN}")


def whole_life(
    *,
    label: str,
    organisation: Organisation,
    session: CommitteeSession | None = None,
    upto: str = "closed",
) -> Application:
    """Drive one new dossier supported by ``organisation`` to ``upto`` ("eligible" or
    "closed") and return its application. The dossier goes before ``session`` (a new one
    starting in two days when not given), which is then held."""
    team, actors = staff(), people()
    person = person_register(email=f"{label}@bench.invalid", first_name="Banc", last_name=label)
    commune = Commune.objects.get(insee_code="59350")
    project = project_create(
        holder=person,
        title=f"Projet {label}",
        sector=Sector.FOOD,
        stage="emergence",
        summary="Projet mesuré par le banc d'essai.",
        commune=commune,
        postal_code=commune.postal_code_list()[0],
        address="12 rue de la Solidarité",
    )
    # Every step now (days ago 0): the bench measures the engine, not a calendar.
    journey = seed_journey(project, JourneyStage.READY_TO_APPLY, organisation, team, started=0)
    _give_structure(project, person)
    # Before eligibility: the engine places the dossier on the next session.
    session = session or session_starting_soon()
    application = seed_eligible(journey, team, AMOUNT, None, filed=0)
    if upto == "eligible":
        return application
    instruct(application, team, session)
    for member in _committee_members(application):
        score(application, member, lower_by=1)
    _hold(session)
    seed_after_committee(application, ("closed", AMOUNT), team, actors, held=0)
    application.refresh_from_db()
    return application


def _give_structure(project: Any, person: Any) -> None:
    """The application needs a legal structure; borrow the shape of the demo's."""
    from applicants.models import Structure
    from applicants.services import structure_save

    template = Structure.objects.filter(esus_status="granted").order_by("pk").first()
    assert template is not None  # noqa: S101 - the demo has an ESUS structure
    structure = structure_save(
        structure=Structure(
            holder=person,
            name=f"Structure {project.title}",
            legal_form=template.legal_form,
            siret=template.siret,
            commune=project.commune,
            creation_date=template.creation_date,
            esus_status=template.esus_status,
            esus_date=template.esus_date,
            address=template.address,
            postal_code=template.postal_code,
        )
    )
    project.structure = structure
    project.save(update_fields=["structure"])


def session_starting_soon() -> CommitteeSession:
    committee = Organisation.objects.get(kind=OrganisationKind.COMMITTEE, slug="demo-comite")
    return committee_session_create(
        committee=committee,
        programme=Programme.objects.get(slug="entreprendre-autrement"),
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="Banc d'essai",
    )


def _committee_members(application: Application) -> list[User]:
    from reviewers.models import Scoring

    return [s.member for s in Scoring.objects.filter(dossier=application).select_related("member")]


def _hold(session: CommitteeSession) -> None:
    """The session took place (moved back in time, as the demo does)."""
    held_on = timezone.now() - datetime.timedelta(hours=2)
    CommitteeSession.objects.filter(pk=session.pk).update(starts_at=held_on)
    session.refresh_from_db()
    committee_session_set_status(session=session, status=SessionStatus.AGENDA_CLOSED)
    committee_session_set_status(session=session, status=SessionStatus.HELD)

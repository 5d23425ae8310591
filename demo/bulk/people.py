"""A batch's people and projects: users, persons (with the optional self-declared gender and
age band, some never asked, some declined), structures, projects across the MEL's communes,
and each project's QPV finding."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from accounts.models import User
from applicants.models import (
    AgeBand,
    Gender,
    Person,
    Project,
    ProjectStage,
    QpvDetermination,
    QpvOutcome,
    QpvSource,
    Sector,
    Structure,
)

from .plan import Plan
from .reference import BENCH_DOMAIN, Place, Reference
from .writer import insert, set_current_qpv

FIRST_NAMES = ("Amina", "Lucas", "Chloé", "Karim", "Inès", "Théo", "Sarah", "Mehdi", "Julie")
LAST_NAMES = ("Martin", "Benali", "Dubois", "Lefebvre", "Nguyen", "Diallo", "Petit", "Moreau")
# Self-declared answers: about a third never asked (older dossiers), some declined.
GENDERS = (
    (Gender.NOT_ASKED, 30),
    (Gender.WOMAN, 34),
    (Gender.MAN, 28),
    (Gender.OTHER, 1),
    (Gender.DECLINED, 7),
)
AGE_BANDS = (
    (AgeBand.NOT_ASKED, 30),
    (AgeBand.UNDER_26, 10),
    (AgeBand.FROM_26_TO_35, 22),
    (AgeBand.FROM_36_TO_45, 18),
    (AgeBand.FROM_46_TO_55, 10),
    (AgeBand.FROM_56, 4),
    (AgeBand.DECLINED, 6),
)
WITH_STRUCTURE = 0.7
IN_QPV = 0.3  # of projects in a commune that has a QPV
TO_VERIFY = 0.03


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def people(
    plans: list[Plan], ref: Reference, rng: random.Random, mark: str
) -> tuple[list[Person], list[Project]]:
    """Insert the batch's holders and projects; returns them in the order of ``plans``."""
    users = insert(
        User,
        [
            User(
                email=f"{mark}-{i}@dossiers.{BENCH_DOMAIN}",
                password=ref.password,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                date_joined=plan.contact,
            )
            for i, plan in enumerate(plans)
        ],
    )
    persons = insert(
        Person,
        [
            Person(
                user_id=user.pk,
                phone="03 20 00 00 00",
                created_at=plan.contact,
                gender=_weighted(rng, GENDERS),
                age_band=_weighted(rng, AGE_BANDS),
            )
            for user, plan in zip(users, plans, strict=True)
        ],
        keys=False,
    )
    places = rng.choices(ref.places, weights=[p.weight for p in ref.places], k=len(plans))
    structures = _structures(persons, plans, places, ref, rng)
    projects = insert(
        Project,
        [
            _project(person, plan, place, structure, ref, rng)
            for person, plan, place, structure in zip(
                persons, plans, places, structures, strict=True
            )
        ],
    )
    insert(
        QpvDetermination,
        [
            _qpv(project, place, plan.contact, ref, rng)
            for project, place, plan in zip(projects, places, plans, strict=True)
        ],
        keys=False,
    )
    set_current_qpv([p.pk for p in projects])
    return list(persons), list(projects)


def _structures(
    persons: Sequence[Person],
    plans: list[Plan],
    places: list[Place],
    ref: Reference,
    rng: random.Random,
) -> list[Structure | None]:
    chosen: list[Structure | None] = [
        Structure(
            holder_id=person.pk,
            name=f"Structure {person.pk}",
            legal_form_id=rng.choice(ref.legal_forms),
            siret=f"{rng.randrange(10**13, 10**14)}",
            commune_id=place.insee,
            postal_code=place.postal_code,
            creation_date=(plan.contact - datetime.timedelta(days=rng.randint(0, 2000))).date(),
            esus_status=rng.choice(("none", "none", "requested", "granted")),
            created_at=plan.contact,
        )
        if plan.app_created or rng.random() < WITH_STRUCTURE
        else None
        for person, plan, place in zip(persons, plans, places, strict=True)
    ]
    for structure in chosen:
        if structure is not None and structure.esus_status != "none":
            structure.esus_date = structure.creation_date
    insert(Structure, [s for s in chosen if s is not None])
    return chosen


def _project(
    person: Person,
    plan: Plan,
    place: Place,
    structure: Structure | None,
    ref: Reference,
    rng: random.Random,
) -> Project:
    supported = plan.supported is not None
    return Project(
        holder_id=person.pk,
        structure_id=structure.pk if structure else None,
        title=f"Projet {person.pk}",
        summary="Projet généré pour mesurer les indicateurs.",
        sector=rng.choice(Sector.values),
        stage=rng.choice(ProjectStage.values),
        jobs_planned_fte=rng.randint(0, 8),
        address=f"{rng.randint(1, 200)} rue de la République",
        postal_code=place.postal_code,
        commune_id=place.insee,
        support_organisation_id=rng.choice(ref.supports) if supported else None,
        created_at=plan.contact,
    )


def _qpv(
    project: Project, place: Place, at: datetime.datetime, ref: Reference, rng: random.Random
) -> QpvDetermination:
    finding = QpvDetermination(
        project_id=project.pk,
        source=QpvSource.COMPUTED,
        address_label=project.address,
        geocoder_score=round(rng.uniform(0.6, 0.99), 2),
        decided_at=at,
    )
    if rng.random() < TO_VERIFY:
        finding.outcome, finding.source = QpvOutcome.TO_VERIFY, QpvSource.DECLARED
    elif place.qpv and rng.random() < IN_QPV:
        pk, code, name, generation = rng.choice(place.qpv)
        finding.outcome, finding.qpv_id = QpvOutcome.INSIDE, pk
        finding.qpv_code, finding.qpv_name, finding.generation = code, name, generation
        if rng.random() < 0.2:
            finding.source, finding.decided_by_id = QpvSource.VERIFIED, ref.staff
    else:
        finding.outcome = QpvOutcome.OUTSIDE
    return finding

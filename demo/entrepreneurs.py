"""The demo's entrepreneurs, their projects and structures, and where each journey stands."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Organisation, User
from applicants.models import (
    Commune,
    ConsentPurpose,
    EsusStatus,
    LegalForm,
    Project,
    ProjectStage,
    QpvArea,
    QpvOutcome,
    Sector,
    Structure,
)
from applicants.services import (
    consent_record,
    person_register,
    project_create,
    structure_save,
)
from applicants.services.territory import qpv_declare, qpv_verify
from demo.applications import seed_application
from demo.clock import on_day
from demo.journeys import seed_journey
from demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from workflows.models import Journey, JourneyStage

# email local part, first, last, commune INSEE, project, sector, stage, incubator slug,
# structure (name, legal form code, SIRET — fictitious but checksum-valid) or None, QPV: code declared, "none", "unknown", verified?
ENTREPRENEURS = [
    (
        "amina",
        "Amina",
        "Benkacem",
        "59512",
        "Épicerie solidaire de l'Alma",
        Sector.FOOD,
        ProjectStage.IDEA,
        None,
        None,
        ("QN05981M", False),
    ),
    (
        "lucas",
        "Lucas",
        "Petit",
        "59350",
        "Atelier vélo participatif",
        Sector.MOBILITY,
        ProjectStage.EMERGENCE,
        "demo-cae-lille",
        None,
        ("unknown", False),
    ),
    (
        "moussa",
        "Moussa",
        "Diallo",
        "59599",
        "Ressourcerie de la Bourgogne",
        Sector.CIRCULAR,
        ProjectStage.CREATION,
        "demo-incubateur-rt",
        ("Ressourcerie de la Bourgogne", "association", "09281590139629"),
        ("QN05985M", True),
    ),
    (
        "julie",
        "Julie",
        "Vermeulen",
        "59009",
        "Crèche coopérative Pont de Bois",
        Sector.EARLY_CHILDHOOD,
        ProjectStage.CREATION,
        "demo-couveuse",
        ("Les P'tits Ponts", "scic", "03340187801755"),
        ("QN05965M", True),
    ),
    (
        "karima",
        "Karima",
        "Ait Ali",
        "59360",
        "Traiteur d'insertion des Oliveaux",
        Sector.INCLUSION,
        ProjectStage.DEVELOPMENT,
        "demo-incubateur-rt",
        ("Saveurs des Oliveaux", "scop", "62889751402612"),
        ("QN05975M", True),
    ),
    (
        "pierre",
        "Pierre",
        "Lambert",
        "59378",
        "Recyclerie de meubles",
        Sector.CIRCULAR,
        ProjectStage.DEVELOPMENT,
        "demo-couveuse",
        ("Fibr'et Co", "company_esus", "17047187463312"),
        ("none", True),
    ),
    (
        "sarah",
        "Sarah",
        "Cohen",
        "59163",
        "Tiers-lieu culturel",
        Sector.CULTURE,
        ProjectStage.EMERGENCE,
        "demo-cae-lille",
        None,
        ("none", False),
    ),
    (
        "yanis",
        "Yanis",
        "Mebarki",
        "59650",
        "Aide numérique à domicile",
        Sector.DIGITAL,
        ProjectStage.IDEA,
        None,
        None,
        ("QN05989M", False),
    ),
    (
        "claire",
        "Claire",
        "Desmet",
        "59560",
        "Jardin maraîcher solidaire",
        Sector.FOOD,
        ProjectStage.CREATION,
        "demo-couveuse",
        ("Les Jardins de Seclin", "association", "62833125815356"),
        ("QN05982M", True),
    ),
    (
        "marc",
        "Marc",
        "Hennebert",
        "59017",
        "Garage solidaire",
        Sector.MOBILITY,
        ProjectStage.DEVELOPMENT,
        "demo-incubateur-rt",
        ("Garage Solidaire d'Armentières", "scic", "65630481373435"),
        ("none", False),
    ),
    # Dossiers past eligibility (see ``demo.seed.STAGE_DOSSIERS``), one per stage after it.
    (
        "fatou",
        "Fatou",
        "Ndiaye",
        "59350",
        "Conciergerie solidaire de Fives",
        Sector.PERSONAL_SERVICES,
        ProjectStage.CREATION,
        "demo-cae-lille",
        ("Conciergerie de Fives", "association", "15881399800016"),
        ("QN05973M", True),
    ),
    (
        "hugo",
        "Hugo",
        "Deschamps",
        "59328",
        "Brasserie coopérative du Pacot",
        Sector.FOOD,
        ProjectStage.CREATION,
        "demo-couveuse",
        ("Brasserie du Pacot", "scop", "86987973400018"),
        ("QN05970M", True),
    ),
    (
        "leila",
        "Leïla",
        "Mansouri",
        "59410",
        "Laverie solidaire des Sarts",
        Sector.INCLUSION,
        ProjectStage.DEVELOPMENT,
        "demo-incubateur-rt",
        ("Laverie des Sarts", "scic", "75364556300010"),
        ("QN05978M", True),
    ),
    (
        "romain",
        "Romain",
        "Carlier",
        "59286",
        "Menuiserie d'insertion du Parc",
        Sector.INCLUSION,
        ProjectStage.DEVELOPMENT,
        "demo-incubateur-rt",
        ("Bois du Parc", "scop", "81518844600018"),
        ("QN05991N", True),
    ),
    (
        "aicha",
        "Aïcha",
        "Toumi",
        "59507",
        "Café des familles de Ronchin",
        Sector.EARLY_CHILDHOOD,
        ProjectStage.CREATION,
        "demo-couveuse",
        ("Café des familles", "association", "72940557100013"),
        ("QN05979M", True),
    ),
    (
        "kevin",
        "Kévin",
        "Dupont",
        "59360",
        "Livraison en vélos-cargos",
        Sector.MOBILITY,
        ProjectStage.DEVELOPMENT,
        "demo-cae-lille",
        ("Cargo Loos", "scic", "61698716000010"),
        ("QN05976M", True),
    ),
    (
        "emma",
        "Emma",
        "Lefort",
        "59368",
        "Repair café de La Madeleine",
        Sector.CIRCULAR,
        ProjectStage.DEVELOPMENT,
        "demo-incubateur-rt",
        ("Répare et Partage", "association", "89768469200014"),
        ("none", True),
    ),
]


# Where each demo journey stands, so that every stage can be seen in the demo.
JOURNEY_TARGETS = {
    "amina": JourneyStage.TRIAGE,
    "yanis": JourneyStage.REDIRECTED,
    "lucas": JourneyStage.ORIENTATION,
    "sarah": JourneyStage.SUPPORT,
    "moussa": JourneyStage.SUPPORT,
    "julie": JourneyStage.READY_TO_APPLY,
    "karima": JourneyStage.READY_TO_APPLY,
    "pierre": JourneyStage.SUPPORT_ENDED,
    "claire": JourneyStage.SUPPORT,
    "marc": JourneyStage.ORIENTATION,
    **dict.fromkeys(
        ("fatou", "hugo", "leila", "romain", "aicha", "kevin", "emma"),
        JourneyStage.READY_TO_APPLY,
    ),
}


# How many days ago each first contact was made: the later the stage, the older the
# contact, so that every step the engine took has a date before today (``demo.clock``).
# The dossiers past eligibility go on in ``demo.seed``, whose calendar starts after these.
FIRST_CONTACT_DAYS_AGO = {
    "amina": 2,
    "yanis": 20,
    "lucas": 6,
    "marc": 4,
    "sarah": 40,
    "moussa": 35,
    "claire": 30,
    "pierre": 150,
    "julie": 90,
    "karima": 80,
    "emma": 1450,
    "kevin": 330,
    "hugo": 150,
    "leila": 145,
    "romain": 140,
    "aicha": 135,
    "fatou": 120,
}

# Age of the demo structures on the day of the holder's first contact.
STRUCTURE_AGE_DAYS = 730

# Applications opened from "ready" journeys: one still a draft, one filed with MEL staff,
# with the days ago they were opened and saved or filed.
DEMO_APPLICATIONS = {"karima": (False, 3), "julie": (True, 5)}


def seed_entrepreneur(
    row: tuple[Any, ...], organisations: dict[str, Organisation], staff: User
) -> str:
    local, title = row[0], row[4]
    email = f"{local}@{DEMO_DOMAIN}"
    if Journey.objects.filter(holder__user__email=email, project__title=title).exists():
        return email  # already seeded
    started = FIRST_CONTACT_DAYS_AGO.get(local, 1)
    with on_day(started, 9):
        _seed_person(row, organisations, staff, started)
    return email


def _seed_person(
    row: tuple[Any, ...], organisations: dict[str, Organisation], staff: User, started: int
) -> None:
    """The person, their structure and project, on the day of their first contact; then
    their journey, each step on its own day."""
    local, first, last, insee, title, sector, stage, incubator, structure_row, qpv = row
    email = f"{local}@{DEMO_DOMAIN}"
    person = person_register(email=email, first_name=first, last_name=last, password=DEMO_PASSWORD)
    consent_record(person=person, purpose=ConsentPurpose.PRIVACY_NOTICE, granted=True)
    commune = Commune.objects.get(insee_code=insee)
    structure = None
    if structure_row:
        name, form_code, siret = structure_row
        esus = form_code == "company_esus"
        created = timezone.localdate() - datetime.timedelta(days=STRUCTURE_AGE_DAYS)
        structure = Structure.objects.filter(holder=person, name=name).first()
        structure = structure or structure_save(
            structure=Structure(
                holder=person,
                name=name,
                legal_form=LegalForm.objects.get(code=form_code),
                siret=siret,
                commune=commune,
                creation_date=created,
                esus_status=EsusStatus.GRANTED if esus else EsusStatus.NONE,
                esus_date=created + datetime.timedelta(days=300) if esus else None,
                address="12 rue de la Solidarité",
                postal_code=commune.postal_code_list()[0],
            )
        )
    # An interrupted earlier run may have left the project without its journey: reuse it.
    project = Project.objects.filter(holder=person, title=title).first() or project_create(
        holder=person,
        structure=structure,
        title=title,
        sector=sector,
        stage=stage,
        summary=f"{title} : un projet d'économie sociale et solidaire à {commune.name}.",
        social_utility="Créer des emplois durables et du lien social dans le quartier.",
        jobs_planned_fte=Decimal("2.5"),
        commune=commune,
        postal_code=commune.postal_code_list()[0],
        address="12 rue de la Solidarité",
    )
    _seed_qpv(project, qpv, person.user, staff)
    target = JOURNEY_TARGETS.get(local, JourneyStage.TRIAGE)
    journey = seed_journey(
        project, target, organisations.get(incubator or ""), staff, started=started
    )
    if local in DEMO_APPLICATIONS and journey.stage == JourneyStage.READY_TO_APPLY:
        submit, days_ago = DEMO_APPLICATIONS[local]
        with on_day(days_ago, 11):
            seed_application(journey, submit=submit)


def _seed_qpv(project: Project, qpv: tuple[str, bool], applicant: User, staff: User) -> None:
    code, verified = qpv
    area = QpvArea.objects.filter(code=code).first()
    qpv_declare(project=project, qpv=area, none_of_these=code == "none", actor=applicant)
    if verified:
        outcome = QpvOutcome.INSIDE if area else QpvOutcome.OUTSIDE
        qpv_verify(project=project, actor=staff, outcome=outcome, qpv=area, reason="")

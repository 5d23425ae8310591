"""A coherent demo: organisations of every kind, their members, about ten entrepreneurs in
QPV and non-QPV communes at different points of the journey, and committee sessions.

Everything goes through the real services, so the demo exercises the same grants and rules
as production. ``scale`` adds N deterministic dossiers for load and benchmark work.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm
from viewflow.workflow.models import Task

from accounts.models import MembershipRole, Organisation, OrganisationKind, User
from accounts.services import membership_add, organisation_create
from applicants.models import (
    Commune,
    ConsentPurpose,
    EsusStatus,
    LegalForm,
    Person,
    Project,
    ProjectStage,
    QpvArea,
    QpvDetermination,
    QpvOutcome,
    QpvSource,
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
from funding.models import Programme
from reviewers.services import committee_session_create

from .engine import task_perform
from .flows import JourneyFlow
from .models import EventKind, Journey, JourneyStage, SupportConclusion
from .services import (
    journey_event,
    journey_orientation_answer,
    journey_support_conclude,
    journey_support_log_session,
    journey_triage,
)

DEMO_PASSWORD = "demo-entreprendre-2026"  # noqa: S105 - printed demo login, never in production
DEMO_DOMAIN = "demo.mel-ess.fr"
MEL_TEAM_SLUG = "demo-equipe-ess-mel"


@dataclass
class DemoLogins:
    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, persona: str, email: str) -> None:
        self.rows.append((persona, email))


def _user(email: str, first: str, last: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        factory = User.objects.create_superuser if superuser else User.objects.create_user
        user = factory(email, DEMO_PASSWORD, first_name=first, last_name=last)
    return user


def _org(name: str, kind: OrganisationKind, slug: str, **fields: object) -> Organisation:
    existing = Organisation.objects.filter(slug=slug).first()
    return existing or organisation_create(name=name, kind=kind, slug=slug, **fields)


ORGANISATIONS = [
    ("Service ESS de la MEL", OrganisationKind.MEL_TEAM, MEL_TEAM_SLUG, {}),
    (
        "Couveuse solidaire Nord (démo)",
        OrganisationKind.SUPPORT,
        "demo-couveuse",
        {"sectors": "food,care,childhood"},
    ),
    (
        "Incubateur ESS Roubaix-Tourcoing (démo)",
        OrganisationKind.SUPPORT,
        "demo-incubateur-rt",
        {"sectors": "circular,inclusion,digital"},
    ),
    (
        "Coopérative d'activités Lille Sud (démo)",
        OrganisationKind.SUPPORT,
        "demo-cae-lille",
        {"sectors": "culture,mobility,housing"},
    ),
    (
        "MEL — subvention Entreprendre Autrement",
        OrganisationKind.FINANCIER,
        "demo-financeur-mel",
        {},
    ),
    (
        "Fonds de finance solidaire Nord (démo)",
        OrganisationKind.FINANCIER,
        "demo-financeur-solidaire",
        {},
    ),
    ("Comité de sélection Entreprendre Autrement", OrganisationKind.COMMITTEE, "demo-comite", {}),
    (
        "Comité métropolitain ESS et laboratoire d'évaluation",
        OrganisationKind.STEERING,
        "demo-pilotage",
        {},
    ),
]

MEMBERS = [
    # slug, email local part, first, last, role, persona label
    (
        MEL_TEAM_SLUG,
        "responsable.programme",
        "Nadia",
        "Lefebvre",
        MembershipRole.LEAD,
        "Responsable du programme (MEL)",
    ),
    (
        MEL_TEAM_SLUG,
        "charge.mission",
        "Thomas",
        "Delattre",
        MembershipRole.MEMBER,
        "Chargé de mission ESS (MEL)",
    ),
    (
        "demo-couveuse",
        "conseillere.couveuse",
        "Claire",
        "Vandamme",
        MembershipRole.LEAD,
        "Structure d'accompagnement",
    ),
    (
        "demo-incubateur-rt",
        "conseiller.incubateur",
        "Karim",
        "Benali",
        MembershipRole.LEAD,
        "Structure d'accompagnement",
    ),
    (
        "demo-cae-lille",
        "conseillere.cae",
        "Sophie",
        "Dubois",
        MembershipRole.LEAD,
        "Structure d'accompagnement",
    ),
    (
        "demo-financeur-mel",
        "financeur.mel",
        "Julien",
        "Carpentier",
        MembershipRole.LEAD,
        "Financeur (MEL)",
    ),
    (
        "demo-financeur-solidaire",
        "financeur.solidaire",
        "Amélie",
        "Roussel",
        MembershipRole.LEAD,
        "Financeur solidaire",
    ),
    (
        "demo-comite",
        "presidente.comite",
        "Hélène",
        "Martin",
        MembershipRole.LEAD,
        "Présidente du comité",
    ),
    ("demo-comite", "membre.comite1", "Paul", "Leroy", MembershipRole.MEMBER, "Membre du comité"),
    (
        "demo-comite",
        "membre.comite2",
        "Fatima",
        "Haddad",
        MembershipRole.MEMBER,
        "Membre du comité",
    ),
    (
        "demo-comite",
        "membre.comite3",
        "Bernard",
        "Lemaire",
        MembershipRole.MEMBER,
        "Membre du comité",
    ),
    (
        "demo-pilotage",
        "laboratoire",
        "Inès",
        "Morel",
        MembershipRole.MEMBER,
        "Pilotage et évaluation",
    ),
]

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
]


def seed_demo(*, stdout_write: object = print) -> DemoLogins:
    """Create the demo once; running it again only lists the logins."""
    logins = DemoLogins()
    with transaction.atomic():
        organisations = {
            slug: _org(name, kind, slug, **fields) for name, kind, slug, fields in ORGANISATIONS
        }
        admin = _user(f"admin@{DEMO_DOMAIN}", "Alex", "Admin", superuser=True)
        logins.add("Administrateur·rice", admin.email)
        for slug, local, first, last, role, label in MEMBERS:
            user = _user(f"{local}@{DEMO_DOMAIN}", first, last)
            membership_add(organisation=organisations[slug], user=user, role=role)
            logins.add(label, user.email)
        _seed_sessions(organisations["demo-comite"])
    staff = User.objects.get(email=f"charge.mission@{DEMO_DOMAIN}")
    # One entrepreneur at a time, outside any long transaction: creating a project may call
    # the address geocoder (once perimeters are loaded), which must not hold the write lock.
    for row in ENTREPRENEURS:
        email = _seed_entrepreneur(row, organisations, staff)
        logins.add("Porteur·se de projet", email)
    return logins


def _seed_entrepreneur(
    row: tuple[Any, ...], organisations: dict[str, Organisation], staff: User
) -> str:
    local, first, last, insee, title, sector, stage, incubator, structure_row, qpv = row
    email = f"{local}@{DEMO_DOMAIN}"
    if Journey.objects.filter(holder__user__email=email, project__title=title).exists():
        return email  # already seeded
    person = person_register(email=email, first_name=first, last_name=last, password=DEMO_PASSWORD)
    consent_record(person=person, purpose=ConsentPurpose.PRIVACY_NOTICE, granted=True)
    commune = Commune.objects.get(insee_code=insee)
    structure = None
    if structure_row:
        name, form_code, siret = structure_row
        esus = form_code == "company_esus"
        structure = Structure.objects.filter(holder=person, name=name).first()
        structure = structure or structure_save(
            structure=Structure(
                holder=person,
                name=name,
                legal_form=LegalForm.objects.get(code=form_code),
                siret=siret,
                commune=commune,
                creation_date=datetime.date(2023, 3, 1),
                esus_status=EsusStatus.GRANTED if esus else EsusStatus.NONE,
                esus_date=datetime.date(2024, 1, 15) if esus else None,
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
    journey = _seed_journey(project, target, organisations.get(incubator or ""), staff)
    if local in DEMO_APPLICATIONS and journey.stage == JourneyStage.READY_TO_APPLY:
        _seed_application(journey, submit=DEMO_APPLICATIONS[local])
    return email


# Applications opened from "ready" journeys: one still a draft, one filed with MEL staff.
DEMO_APPLICATIONS = {"karima": False, "julie": True}


def _seed_application(journey: Journey, *, submit: bool) -> None:
    """Open the application of a ready journey; fill and file it when ``submit``."""
    from .flows_application import ApplicationFlow
    from .services_application import (
        application_open,
        application_save_draft,
        application_submit,
        checklist_documents,
    )

    holder = journey.holder.user
    application = application_open(journey=journey, actor=holder)
    values: dict[str, Any] = {
        "axis": "development",
        "requested_amount": Decimal("15000"),
        "jobs_planned_fte": Decimal("3"),
        "social_utility": "Des emplois durables et un service de proximité dans le quartier.",
    }
    if submit:
        values |= {"charges_total": Decimal("80000"), "produits_total": Decimal("80000")}
        values |= {
            f"doc_{d.code}": f"{d.code}.pdf"
            for d in checklist_documents(application=application)
            if d.is_mandatory
        }
    application_save_draft(application=application, actor=holder, values=values)
    if submit:
        _step(
            application,
            ApplicationFlow.fill,
            holder,
            lambda a: application_submit(application=a, actor=holder),
        )


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
}


def _step(process: Any, node: Any, user: User, perform: Any) -> None:
    task = Task.objects.get(process_id=process.pk, flow_task=node, status__in=["NEW", "ASSIGNED"])
    task_perform(task=task, user=user, perform=perform)


def _fresh(journey: Journey) -> Journey:
    journey.refresh_from_db()
    return journey


def _seed_journey(
    project: Project, target: str, organisation: Organisation | None, staff: User
) -> Journey:
    """Drive a journey through the real engine up to ``target``; returns it, up to date."""
    with transaction.atomic():
        journey = JourneyFlow.start.run(
            project=project, needs="Être accompagné·e pour lancer le projet."
        )
        journey_event(
            journey=journey,
            kind=EventKind.FIRST_CONTACT,
            actor=project.holder.user,
            message="Votre premier contact est bien reçu.",
        )
    if target == JourneyStage.TRIAGE:
        return _fresh(journey)
    if target == JourneyStage.REDIRECTED or organisation is None:
        _step(
            journey,
            JourneyFlow.triage,
            staff,
            lambda j: journey_triage(
                journey=j,
                actor=staff,
                redirect_reason="Le projet relève de l'accompagnement à "
                "la création d'entreprise classique.",
                redirect_guidance="La CCI Grand Lille et le réseau Initiative de votre commune.",
            ),
        )
        return _fresh(journey)
    _step(
        journey,
        JourneyFlow.triage,
        staff,
        lambda j: journey_triage(journey=j, actor=staff, organisation=organisation),
    )
    if target == JourneyStage.ORIENTATION:
        return _fresh(journey)
    member = organisation.members.order_by("pk").first()
    assert member is not None  # noqa: S101 - the demo organisations all have a lead
    _step(
        journey,
        JourneyFlow.orientation,
        member,
        lambda j: journey_orientation_answer(journey=j, actor=member, accept=True),
    )
    journey.refresh_from_db()  # the engine changed the journey on its own instance
    journey_support_log_session(
        journey=journey,
        actor=member,
        held_on=timezone.localdate(),
        duration_minutes=90,
        topic="Diagnostic et modèle économique",
    )
    if target == JourneyStage.SUPPORT:
        return _fresh(journey)
    ready = target == JourneyStage.READY_TO_APPLY
    _step(
        journey,
        JourneyFlow.support,
        member,
        lambda j: journey_support_conclude(
            journey=j,
            actor=member,
            conclusion=SupportConclusion.READY if ready else SupportConclusion.ABANDONED,
            opinion="Projet solide, modèle économique réaliste, ancrage local fort."
            if ready
            else "",
            recommended_amount=Decimal("15000") if ready else None,
            reason="" if ready else "Le porteur a repris un emploi salarié.",
        ),
    )
    return _fresh(journey)


def _seed_qpv(project: Project, qpv: tuple[str, bool], applicant: User, staff: User) -> None:
    code, verified = qpv
    area = QpvArea.objects.filter(code=code).first()
    qpv_declare(project=project, qpv=area, none_of_these=code == "none", actor=applicant)
    if verified:
        outcome = QpvOutcome.INSIDE if area else QpvOutcome.OUTSIDE
        qpv_verify(project=project, actor=staff, outcome=outcome, qpv=area, reason="")


def _seed_sessions(committee: Organisation) -> None:
    if committee.sessions.exists():
        return
    programme = Programme.objects.get(slug="entreprendre-autrement")
    today = timezone.localdate()
    for months, status_place in (
        (-2, "Maison Stéphane Hessel, Lille"),
        (1, "Siège de la MEL, Lille"),
        (4, "Maison Stéphane Hessel, Lille"),
        (7, "Hôtel de ville, Roubaix"),
    ):
        day = today + datetime.timedelta(days=30 * months)
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0)))
        committee_session_create(
            committee=committee,
            programme=programme,
            starts_at=starts,
            place=status_place,
            agenda_cutoff=day - datetime.timedelta(days=21),
        )


def seed_scale(*, count: int, seed: int = 2026, batch: int = 2000) -> int:
    """Add ``count`` deterministic dossiers (same seed → same data) spread over stages,
    sectors, MEL communes, support organisations and QPV outcomes. Returns rows created."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    communes = list(Commune.objects.in_mel().order_by("insee_code"))
    incubators = list(Organisation.objects.filter(kind=OrganisationKind.SUPPORT).order_by("pk"))
    qpv_by_commune = {c.pk: list(c.qpv_areas.order_by("code")) for c in communes}
    password = make_password(None)  # unusable: scale users never log in
    start = User.objects.filter(email__startswith="scale-").count()
    created = 0
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        with transaction.atomic():
            created += _scale_batch(
                rng, start + offset, size, communes, incubators, qpv_by_commune, password
            )
    return created


def _scale_batch(
    rng: random.Random,
    first: int,
    size: int,
    communes: list[Commune],
    incubators: list[Organisation],
    qpv_by_commune: dict[str, list[QpvArea]],
    password: str,
) -> int:
    users = User.objects.bulk_create(
        [
            User(
                email=f"scale-{first + i:07d}@scale.invalid",
                password=password,
                last_name=f"Porteur {first + i}",
            )
            for i in range(size)
        ]
    )
    Person.objects.bulk_create([Person(user=u) for u in users])
    stages, sectors = list(ProjectStage), list(Sector)
    projects = [
        Project(
            holder_id=u.pk,
            title=f"Projet {first + i}",
            summary="Projet généré pour les mesures de charge.",
            sector=rng.choice(sectors),
            stage=rng.choice(stages),
            commune=rng.choice(communes),
            support_organisation=rng.choice(incubators)
            if incubators and rng.random() < 0.7
            else None,
        )
        for i, u in enumerate(users)
    ]
    Project.objects.bulk_create(projects)
    determinations = []
    for project in projects:
        areas = qpv_by_commune.get(project.commune_id or "") or []
        area = rng.choice(areas) if areas and rng.random() < 0.4 else None
        outcome = (
            QpvOutcome.INSIDE if area else rng.choice([QpvOutcome.OUTSIDE, QpvOutcome.TO_VERIFY])
        )
        determinations.append(
            QpvDetermination(
                project=project,
                outcome=outcome,
                source=QpvSource.DECLARED,
                qpv=area,
                qpv_code=area.code if area else "",
                qpv_name=area.name if area else "",
                generation=area.generation if area else None,
            )
        )
    QpvDetermination.objects.bulk_create(determinations)
    for project, determination in zip(projects, determinations, strict=True):
        project.current_qpv = determination
    Project.objects.bulk_update(projects, ["current_qpv"])
    for organisation in incubators:
        mine = [p for p in projects if p.support_organisation_id == organisation.pk]
        if mine:
            # Same grants as project_assign_support_organisation, in bulk for speed.
            ids = Project.objects.filter(pk__in=[p.pk for p in mine])
            # guardian documents QuerySet for obj (bulk insert) but types it as a single Model.
            assign_perm("applicants.view_project", organisation.group, ids)  # type: ignore[arg-type]
            assign_perm("applicants.change_project", organisation.group, ids)  # type: ignore[arg-type]
    return size

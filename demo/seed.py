"""A coherent demo: organisations of every kind, their members, about ten entrepreneurs in
QPV and non-QPV communes at different points of the journey, committee sessions, and seven
dossiers past eligibility, one at each later stage (on the agenda with scoring open,
adjourned, with the financiers, awaiting a second signature, advance blocked, in follow-up,
closed), so that every persona finds work waiting.

Everything goes through the real services, so the demo exercises the same grants and rules
as production. ``scale`` adds N deterministic dossiers for load and benchmark work.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.models import MembershipRole, Organisation, OrganisationKind, User
from accounts.services import membership_add, organisation_create
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
from funding.models import FundingInstrument, FundingLine, Programme
from funding.selectors import scoring_grid
from funding.services.lines import funding_line_decide
from funding.services.payments import (
    application_close,
    application_convention_record,
    report_submit,
    tranche_release,
)
from reviewers.models import CommitteeSession, Outcome, Scoring, SessionStatus
from reviewers.services.selection import (
    application_deliberate,
    application_instruct,
    conflict_declare,
    scoring_submit,
)
from reviewers.services.sessions import committee_session_create, committee_session_set_status
from workflows.application.checks import application_completeness, application_eligibility_decide
from workflows.application.flows import ApplicationFlow, application_open
from workflows.application.services import (
    application_save_draft,
    application_submit,
    checklist_documents,
    financing_line_add,
)
from workflows.engine import task_perform
from workflows.journey.flows import JourneyFlow
from workflows.journey.services import (
    journey_event,
    journey_orientation_answer,
    journey_support_conclude,
    journey_support_log_session,
    journey_triage,
)
from workflows.models import Application, EventKind, Journey, JourneyStage, SupportConclusion

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
        "demo-financeur-mel",
        "signataire.mel",
        "Sylvie",
        "Dhainaut",
        MembershipRole.MEMBER,
        "Financeur (MEL), seconde signataire",
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
    # Dossiers past eligibility (see STAGE_DOSSIERS), one per stage after it.
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
    _seed_stages(organisations, staff)
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


def _seed_application(
    journey: Journey,
    *,
    submit: bool,
    amount: Decimal = Decimal("15000"),
    budget: Decimal = Decimal("80000"),
    co_financer: Organisation | None = None,
) -> Application:
    """Open the application of a ready journey; fill and file it when ``submit``. A
    ``co_financer`` on the platform is sought for a solidarity loan in the plan."""
    holder = journey.holder.user
    application = application_open(journey=journey, actor=holder)
    values: dict[str, Any] = {
        "axis": "development",
        "requested_amount": amount,
        "jobs_planned_fte": Decimal("3"),
        "social_utility": "Des emplois durables et un service de proximité dans le quartier.",
    }
    if submit:
        values |= {"charges_total": budget, "produits_total": budget}
        values |= {
            f"doc_{d.code}": f"{d.code}.pdf"
            for d in checklist_documents(application=application)
            if d.is_mandatory
        }
    application_save_draft(application=application, actor=holder, values=values)
    if co_financer is not None:
        financing_line_add(
            application=application,
            actor=holder,
            financier_name=co_financer.name,
            instrument=FundingInstrument.PRET_SOLIDAIRE,
            amount=Decimal("20000"),
            organisation=co_financer,
        )
    if submit:
        _step(
            application,
            ApplicationFlow.fill,
            holder,
            lambda a: application_submit(application=a, actor=holder),
        )
    application.refresh_from_db()
    return application


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


# Upcoming sessions: days from today, place, agenda cut-off (days before the session). The
# session already held, where the dossiers past the committee were deliberated, is added
# with them (``_seed_held_session``).
SESSIONS = [
    (21, "Siège de la MEL, Lille", 7),
    (120, "Maison Stéphane Hessel, Lille", 21),
    (210, "Hôtel de ville, Roubaix", 21),
]


def _seed_sessions(committee: Organisation) -> None:
    if committee.sessions.exists():
        return
    programme = Programme.objects.get(slug="entreprendre-autrement")
    today = timezone.localdate()
    for days, place, cutoff_days in SESSIONS:
        day = today + datetime.timedelta(days=days)
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0)))
        committee_session_create(
            committee=committee,
            programme=programme,
            starts_at=starts,
            place=place,
            agenda_cutoff=day - datetime.timedelta(days=cutoff_days),
        )


# Dossiers past eligibility, each brought by the real engine to one stage after it, so
# that every persona finds work waiting: local part → (stage, amount proposed).
STAGE_DOSSIERS = {
    "fatou": ("on_agenda", Decimal("15000")),  # comite1 to score, comite2 scored, comite3 out
    "hugo": ("adjourned", Decimal("12000")),  # the applicant reworks the dossier
    "leila": ("funding", Decimal("18000")),  # MEL grant + solidarity loan to decide
    "romain": ("countersign", Decimal("25000")),  # signed once, second signature due
    "aicha": ("advance", Decimal("12000")),  # advance blocked: the structure has no IBAN
    "kevin": ("follow_up", Decimal("14000")),  # 6-month report open for the applicant
    "emma": ("closed", Decimal("10000")),  # every report in, balance paid, closed
}
# What each login finds at those stages (printed by ``seed_demo``).
STAGE_GUIDE = [
    ("membre.comite1", "un dossier à noter pour la prochaine séance"),
    ("presidente.comite", "le même dossier à noter (membre.comite3 s'est déporté·e)"),
    ("financeur.mel", "une ligne à décider, une seconde signature à apposer (25 000 €)"),
    ("financeur.solidaire", "un prêt solidaire à décider"),
    ("charge.mission", "une avance bloquée (IBAN manquant), une délibération à venir"),
    ("hugo", "une candidature ajournée à retravailler"),
    ("kevin", "le rapport de suivi à 6 mois à rendre"),
    ("emma", "un dossier financé, suivi et clôturé"),
]
DEMO_BUDGET = Decimal("90000")
DEMO_IBAN = "FR7630006000011234567890189"
INSTRUCTION_NOTE = (
    "Projet à forte utilité sociale, bien ancré dans son quartier. Budget prévisionnel "
    "réaliste, équipe expérimentée ; point de vigilance : la montée en charge de l'activité."
)
REPORT_VALUES: dict[str, Any] = {
    "jobs_created_fte": Decimal("2"),
    "jobs_kept_fte": Decimal("1"),
    "qpv_residents_hired": 1,
    "turnover": Decimal("64000"),
    "beneficiaries": 120,
    "still_active": True,
    "comment": "L'activité se développe comme prévu.",
}
STAGE_ACTORS = (
    "presidente.comite",
    "membre.comite1",
    "membre.comite2",
    "membre.comite3",
    "financeur.mel",
    "signataire.mel",
)


def _seed_stages(organisations: dict[str, Organisation], staff: User) -> None:
    """Bring the STAGE_DOSSIERS from submission to their stage, all in one transaction:
    a second run (or a run after a failure) finds all of them or none."""
    emails = {f"{local}@{DEMO_DOMAIN}": local for local in STAGE_DOSSIERS}
    journeys = {
        emails[j.holder.user.email]: j
        for j in Journey.objects.filter(
            holder__user__email__in=emails, stage=JourneyStage.READY_TO_APPLY
        ).select_related("holder__user", "project__structure")
    }
    opened = Application.objects.filter(source_journey__in=journeys.values())
    if len(journeys) < len(STAGE_DOSSIERS) or opened.exists():
        return
    programme = Programme.objects.get(slug="entreprendre-autrement")
    if programme.grant_financier_id is None:
        programme.grant_financier = organisations["demo-financeur-mel"]
        programme.save(update_fields=["grant_financier"])
    people = {local: User.objects.get(email=f"{local}@{DEMO_DOMAIN}") for local in STAGE_ACTORS}
    with transaction.atomic():
        dossiers = {
            local: _eligible(
                journeys[local],
                staff,
                amount,
                organisations["demo-financeur-solidaire"] if stage == "funding" else None,
            )
            for local, (stage, amount) in STAGE_DOSSIERS.items()
        }
        _seed_on_agenda(dossiers.pop("fatou"), staff, people)
        _seed_held_session(organisations["demo-comite"], programme, dossiers, staff, people)
        for local, application in dossiers.items():
            _seed_after_committee(application, STAGE_DOSSIERS[local], staff, people)


def _eligible(
    journey: Journey, staff: User, amount: Decimal, co_financer: Organisation | None
) -> Application:
    """Filed by the holder, declared complete then eligible by MEL staff: the engine puts
    it on the agenda of the next session."""
    application = _seed_application(
        journey, submit=True, amount=amount, budget=DEMO_BUDGET, co_financer=co_financer
    )
    _step(
        application,
        ApplicationFlow.completeness,
        staff,
        lambda a: application_completeness(application=a, actor=staff, complete=True),
    )
    _step(
        application,
        ApplicationFlow.eligibility,
        staff,
        lambda a: application_eligibility_decide(application=a, actor=staff, eligible=True),
    )
    application.refresh_from_db()
    return application


def _instruct(application: Application, staff: User, session: CommitteeSession) -> None:
    _step(
        application,
        ApplicationFlow.instruction,
        staff,
        lambda a: application_instruct(
            application=a, actor=staff, session=session, note=INSTRUCTION_NOTE
        ),
    )


def _open_task(process: Any) -> Task:
    return Task.objects.get(
        process_id=process.pk, flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"]
    )


def _score(application: Application, member: User, *, lower_by: int) -> None:
    scoring = Scoring.objects.get(dossier=application, member=member)
    grid = scoring_grid(rule_version=application.rule_version)
    scores = {c.pk: max(c.max_score - lower_by - i % 2, 0) for i, c in enumerate(grid)}
    task_perform(
        task=_open_task(scoring),
        user=member,
        perform=lambda p: scoring_submit(scoring=p, actor=member, scores=scores),
    )


def _seed_on_agenda(application: Application, staff: User, people: dict[str, User]) -> None:
    """On the next session: one member withdrew, one scored, the others still have to."""
    conflict_declare(
        application=application,
        member=people["membre.comite3"],
        reason="Je connais personnellement la porteuse du projet.",
    )
    assert application.committee_session is not None  # noqa: S101 - a session is scheduled
    _instruct(application, staff, application.committee_session)
    _score(application, people["membre.comite2"], lower_by=1)


def _seed_held_session(
    committee: Organisation,
    programme: Programme,
    dossiers: dict[str, Application],
    staff: User,
    people: dict[str, User],
) -> None:
    """The past session: its dossiers were instructed and scored while it was ahead, then
    it took place (moved back in time, as no service schedules a session in the past),
    and the committee deliberated on each."""
    session = committee_session_create(
        committee=committee,
        programme=programme,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="Maison Stéphane Hessel, Lille",
    )
    members = [people[m] for m in STAGE_ACTORS[:4]]
    for rank, application in enumerate(dossiers.values()):
        _instruct(application, staff, session)
        for position, member in enumerate(members[: 2 + rank % 3]):
            _score(application, member, lower_by=(rank + position) % 3)
    held_on = timezone.now() - datetime.timedelta(days=14)
    CommitteeSession.objects.filter(pk=session.pk).update(starts_at=held_on)
    session.refresh_from_db()
    committee_session_set_status(session=session, status=SessionStatus.AGENDA_CLOSED)
    committee_session_set_status(session=session, status=SessionStatus.HELD)


ADJOURNED_REASONS = "Préciser le plan de financement et les premiers clients engagés."
COMMITTEE_CONDITIONS = "Confirmer l'accord du prêt solidaire avant le premier versement."


def _deliberate(application: Application, staff: User, stage: str, amount: Decimal) -> None:
    """Adjourned, favourable under conditions (the dossier with a co-financer), or
    favourable for the amount proposed."""
    adjourned, conditional = stage == "adjourned", stage == "funding"
    outcome = (
        Outcome.ADJOURNED
        if adjourned
        else Outcome.WITH_CONDITIONS
        if conditional
        else Outcome.FAVOURABLE
    )
    _step(
        application,
        ApplicationFlow.deliberation,
        staff,
        lambda a: application_deliberate(
            application=a,
            actor=staff,
            outcome=outcome,
            proposed_amount=None if adjourned else amount,
            conditions=COMMITTEE_CONDITIONS if conditional else "",
            reasons=ADJOURNED_REASONS if adjourned else "",
        ),
    )


def _seed_after_committee(
    application: Application, target: tuple[str, Decimal], staff: User, people: dict[str, User]
) -> None:
    """From the deliberation to the dossier's stage: funding lines, convention, tranches,
    reports, closure."""
    stage, amount = target
    _deliberate(application, staff, stage, amount)
    if stage in ("adjourned", "funding"):
        return
    line = FundingLine.objects.get(dossier=application, is_programme_grant=True)
    signer = people["signataire.mel" if stage == "countersign" else "financeur.mel"]
    task_perform(
        task=_open_task(line),
        user=signer,
        perform=lambda p: funding_line_decide(line=p, actor=signer, grant=True, amount=amount),
    )
    if stage == "countersign":
        return
    today = timezone.localdate()
    _step(
        application,
        ApplicationFlow.convention,
        staff,
        lambda a: application_convention_record(
            application=a,
            actor=staff,
            holder_signed_on=today - datetime.timedelta(days=3),
            mel_signed_on=today - datetime.timedelta(days=1),
        ),
    )
    if stage == "advance":
        return  # the advance waits for the structure's IBAN
    structure = application.project.structure
    assert structure is not None  # noqa: S101 - every stage dossier has its structure
    structure.iban = DEMO_IBAN
    structure_save(structure=structure)
    _release(application, 1, staff)
    _open_next_report(application)
    if stage == "closed":
        _seed_closure(application, staff)


def _release(application: Application, position: int, staff: User) -> None:
    node = ApplicationFlow.advance if position == 1 else ApplicationFlow.balance
    _step(
        application,
        node,
        staff,
        lambda a: tranche_release(application=a, position=position, actor=staff),
    )


def _open_next_report(application: Application) -> None:
    """Fire the timer that opens the next report now instead of a month before it is due."""
    Task.objects.filter(
        process_id=application.pk,
        flow_task=ApplicationFlow.next_report,
        status=STATUS.SCHEDULED,
    ).update(scheduled=timezone.now() - datetime.timedelta(seconds=1))
    fire_due_timers()
    _open_task(application)  # raises if the report did not open: the timer failed


def _seed_closure(application: Application, staff: User) -> None:
    """Every report sent by the holder, then the balance paid and the dossier closed."""
    holder = application.holder.user
    while True:
        _step(
            application,
            ApplicationFlow.report,
            holder,
            lambda a: report_submit(application=a, actor=holder, values=REPORT_VALUES),
        )
        if not application.reports.filter(submitted_at__isnull=True).exists():
            break
        _open_next_report(application)
    _step(
        application,
        ApplicationFlow.balance,
        staff,
        lambda a: (
            tranche_release(application=a, position=2, actor=staff),
            application_close(application=a, actor=staff),
        ),
    )

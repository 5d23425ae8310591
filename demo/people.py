"""The demo's organisations, their members and the one password of all their logins."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import MembershipRole, Organisation, OrganisationKind, User
from accounts.services import membership_add, organisation_create

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
    ("Comité métropolitain ESS", OrganisationKind.STEERING, "demo-pilotage", {}),
    # The lab reads the aggregates and downloads the row-level extract; the Comité does not.
    ("Laboratoire d'évaluation de l'ESS", OrganisationKind.LAB, "demo-laboratoire", {}),
    ("MEL — protection des données (DPO)", OrganisationKind.DPO, "demo-dpo", {}),
    ("MEL — gestion des habilitations", OrganisationKind.ACCESS, "demo-habilitations", {}),
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
        "pilotage",
        "Inès",
        "Morel",
        MembershipRole.MEMBER,
        "Comité métropolitain (pilotage)",
    ),
    (
        "demo-laboratoire",
        "labo",
        "Hugo",
        "Lambert",
        MembershipRole.MEMBER,
        "Laboratoire d'évaluation",
    ),
    (
        "demo-dpo",
        "dpo",
        "Camille",
        "Deschamps",
        MembershipRole.LEAD,
        "Délégué·e à la protection des données (MEL)",
    ),
    (
        "demo-habilitations",
        "habilitations",
        "Olivier",
        "Vasseur",
        MembershipRole.LEAD,
        "Gestion des habilitations (MEL)",
    ),
]


# The logins that act on the dossiers past eligibility: the committee, then MEL's signers.
STAGE_ACTORS = (
    "presidente.comite",
    "membre.comite1",
    "membre.comite2",
    "membre.comite3",
    "financeur.mel",
    "signataire.mel",
)


def seed_people(logins: DemoLogins) -> dict[str, Organisation]:
    """The organisations, the administrator and the members, their logins added in order;
    returns the organisations by slug."""
    organisations = {
        slug: _org(name, kind, slug, **fields) for name, kind, slug, fields in ORGANISATIONS
    }
    admin = _user(f"admin@{DEMO_DOMAIN}", "Alex", "Admin", superuser=True)
    logins.add("Administrateur·rice", admin.email)
    for slug, local, first, last, role, label in MEMBERS:
        user = _user(f"{local}@{DEMO_DOMAIN}", first, last)
        membership_add(organisation=organisations[slug], user=user, role=role)
        logins.add(label, user.email)
    return organisations

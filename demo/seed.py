"""A coherent demo: organisations of every kind, their members, about ten entrepreneurs in
QPV and non-QPV communes at different points of the journey, committee sessions, and seven
dossiers past eligibility, one at each later stage (on the agenda with scoring open,
adjourned, with the financiers, awaiting a second signature, advance blocked, in follow-up,
closed), so that every persona finds work waiting.

Everything goes through the real services, so the demo exercises the same grants and rules
as production. ``scale`` adds N deterministic dossiers for load and benchmark work.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import Organisation, User
from demo.applications import seed_eligible
from demo.award import seed_after_committee
from demo.clock import on_day
from demo.committee import (
    SESSIONS_PLANNED,
    HeldSession,
    seed_held_session,
    seed_on_agenda,
    seed_session_work,
    seed_sessions,
)
from demo.entrepreneurs import ENTREPRENEURS, seed_entrepreneur
from demo.people import DEMO_DOMAIN, STAGE_ACTORS, DemoLogins, seed_people
from demo.steering import seed_comite
from funding.models import Programme
from workflows.models import Application, Journey, JourneyStage


def seed_demo(*, stdout_write: object = print) -> DemoLogins:
    """Create the demo once; running it again only lists the logins."""
    logins = DemoLogins()
    with on_day(PEOPLE_JOINED, 9), transaction.atomic():
        organisations = seed_people(logins)
    seed_sessions(organisations["demo-comite"])
    staff = User.objects.get(email=f"charge.mission@{DEMO_DOMAIN}")
    # One entrepreneur at a time, outside any long transaction: creating a project may call
    # the address geocoder (once perimeters are loaded), which must not hold the write lock.
    for row in ENTREPRENEURS:
        email = seed_entrepreneur(row, organisations, staff)
        logins.add("Porteur·se de projet", email)
    _seed_stages(organisations, staff)
    seed_comite()  # last: its reports read the dossiers' figures
    return logins


# The organisations and their people joined the platform this many days ago, before any
# dossier (``demo.clock``).
PEOPLE_JOINED = 1500

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
# When each was filed (days ago), and the past session that deliberated on it (None: the
# next session, still ahead). The first contacts are in ``demo.entrepreneurs``.
STAGE_CALENDAR: dict[str, tuple[int, str | None]] = {
    "fatou": (40, None),
    "hugo": (75, "recent"),
    "leila": (72, "recent"),
    "romain": (70, "recent"),
    "aicha": (68, "recent"),
    "kevin": (250, "last-year"),
    "emma": (1330, "first"),
}
HELD_SESSIONS = {
    "first": HeldSession(about=1290, planned=1400, place="Hôtel de la Métropole, Lille"),
    "last-year": HeldSession(about=190, planned=320, place="Hôtel de ville, Tourcoing"),
    "recent": HeldSession(
        about=14, planned=SESSIONS_PLANNED, place="Maison Stéphane Hessel, Lille"
    ),
}

# What each login finds at those stages (printed by ``seed_demo``).
STAGE_GUIDE = [
    ("membre.comite1", "un dossier à noter pour la prochaine séance"),
    ("presidente.comite", "le même dossier à noter (membre.comite3 s'est déporté·e)"),
    ("financeur.mel", "une ligne à décider, une seconde signature à apposer (25 000 €)"),
    ("financeur.solidaire", "un prêt solidaire à décider"),
    ("charge.mission", "une avance bloquée (IBAN demandé au porteur), une délibération à venir"),
    ("aicha", "ses coordonnées bancaires à indiquer pour recevoir l'avance"),
    ("hugo", "une candidature ajournée à retravailler"),
    ("kevin", "le rapport de suivi à 6 mois à rendre"),
    ("emma", "un dossier financé, suivi et clôturé"),
    (
        "pilotage",
        "le Comité métropolitain : un rapport semestriel approuvé, la prochaine séance",
    ),
    ("labo", "les indicateurs du plan et l'extrait pseudonymisé pour l'évaluation"),
]


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
    committee = organisations["demo-comite"]
    with transaction.atomic():
        # Each past session is planned before the dossiers it saw were found eligible.
        sessions = {
            key: seed_held_session(committee, programme, plan)
            for key, plan in HELD_SESSIONS.items()
        }
        dossiers = {
            local: seed_eligible(
                journeys[local],
                staff,
                amount,
                organisations["demo-financeur-solidaire"] if stage == "funding" else None,
                filed=STAGE_CALENDAR[local][0],
            )
            for local, (stage, amount) in STAGE_DOSSIERS.items()
        }
        seed_on_agenda(dossiers.pop("fatou"), staff, people)
        for key, plan in HELD_SESSIONS.items():
            held = {k: a for k, a in dossiers.items() if STAGE_CALENDAR[k][1] == key}
            seed_session_work(sessions[key], plan, held, staff, people)
            for local, application in held.items():
                seed_after_committee(
                    application, STAGE_DOSSIERS[local], staff, people, held=plan.held
                )

"""The demo's committee: its sessions, the instruction, scoring, conflicts and deliberation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from demo.clock import on_day, real_today, weekday
from demo.people import STAGE_ACTORS
from demo.steps import open_task, take_step
from funding.models import Programme
from funding.selectors import scoring_grid
from reviewers.models import CommitteeSession, Outcome, Scoring, SessionStatus
from reviewers.services.selection import (
    application_deliberate,
    application_instruct,
    conflict_declare,
    scoring_submit,
)
from reviewers.services.sessions import committee_session_create, committee_session_set_status
from workflows.application.flows import ApplicationFlow
from workflows.engine import task_perform
from workflows.models import Application

# Upcoming sessions: days from today, place, agenda cut-off (days before the session). The
# calendar was set ``SESSIONS_PLANNED`` days ago; the sessions already held, where the
# dossiers past the committee were deliberated, are added with them (``seed_held_session``).
SESSIONS = [
    (21, "Siège de la MEL, Lille", 7),
    (120, "Maison Stéphane Hessel, Lille", 21),
    (210, "Hôtel de ville, Roubaix", 21),
]
SESSIONS_PLANNED = 120
SESSION_HOUR = datetime.time(14, 0)


@dataclass(frozen=True)
class HeldSession:
    """A session that took place about ``about`` days ago (on a weekday), planned
    ``planned`` days ago."""

    about: int
    planned: int
    place: str
    cutoff_days: int = 21

    @property
    def held(self) -> int:
        return weekday(self.about)


def _session_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, SESSION_HOUR))


def seed_sessions(committee: Organisation) -> None:
    if committee.sessions.filter(starts_at__gt=timezone.now()).exists():
        return
    programme = Programme.objects.get(slug="entreprendre-autrement")
    today = real_today()
    with on_day(SESSIONS_PLANNED, 10):
        for days, place, cutoff_days in SESSIONS:
            day = today - datetime.timedelta(days=weekday(-days))
            committee_session_create(
                committee=committee,
                programme=programme,
                starts_at=_session_start(day),
                place=place,
                agenda_cutoff=day - datetime.timedelta(days=cutoff_days),
            )


INSTRUCTION_NOTE = (
    "Projet à forte utilité sociale, bien ancré dans son quartier. Budget prévisionnel "
    "réaliste, équipe expérimentée ; point de vigilance : la montée en charge de l'activité."
)


def instruct(application: Application, staff: User, session: CommitteeSession) -> None:
    take_step(
        application,
        ApplicationFlow.instruction,
        staff,
        lambda a: application_instruct(
            application=a, actor=staff, session=session, note=INSTRUCTION_NOTE
        ),
    )


def score(application: Application, member: User, *, lower_by: int) -> None:
    scoring = Scoring.objects.get(dossier=application, member=member)
    grid = scoring_grid(rule_version=application.rule_version)
    scores = {c.pk: max(c.max_score - lower_by - i % 2, 0) for i, c in enumerate(grid)}
    task_perform(
        task=open_task(scoring),
        user=member,
        perform=lambda p: scoring_submit(scoring=p, actor=member, scores=scores),
    )


def seed_on_agenda(application: Application, staff: User, people: dict[str, User]) -> None:
    """On the next session: one member withdrew, one scored, the others still have to."""
    with on_day(5, 9):
        conflict_declare(
            application=application,
            member=people["membre.comite3"],
            reason="Je connais personnellement la porteuse du projet.",
        )
    assert application.committee_session is not None  # noqa: S101 - a session is scheduled
    with on_day(3, 11):
        instruct(application, staff, application.committee_session)
    with on_day(2, 15):
        score(application, people["membre.comite2"], lower_by=1)


def seed_held_session(
    committee: Organisation, programme: Programme, plan: HeldSession
) -> CommitteeSession:
    """A past session, planned ``plan.planned`` days ago: the dossiers found eligible while
    its agenda was open are placed on it by the engine (``seed_session_work`` follows)."""
    held_on = real_today() - datetime.timedelta(days=plan.held)
    with on_day(plan.planned, 10):
        session = committee_session_create(
            committee=committee,
            programme=programme,
            starts_at=_session_start(held_on),
            place=plan.place,
            agenda_cutoff=held_on - datetime.timedelta(days=plan.cutoff_days),
        )
    return session


def seed_session_work(
    session: CommitteeSession,
    plan: HeldSession,
    dossiers: dict[str, Application],
    staff: User,
    people: dict[str, User],
) -> None:
    """Instruction and scores before the session, the agenda closed at the cut-off, the
    session held. The deliberations follow (``deliberate``)."""
    members = [people[m] for m in STAGE_ACTORS[:4]]
    with on_day(plan.held + plan.cutoff_days, 17):
        committee_session_set_status(session=session, status=SessionStatus.AGENDA_CLOSED)
    for rank, application in enumerate(dossiers.values()):
        with on_day(plan.held + 15, 10):
            instruct(application, staff, session)
        for position, member in enumerate(members[: 2 + rank % 3]):
            with on_day(plan.held + 10 - 2 * position, 9 + rank):
                score(application, member, lower_by=(rank + position) % 3)
    with on_day(plan.held, 17):
        session.refresh_from_db()
        committee_session_set_status(session=session, status=SessionStatus.HELD)


ADJOURNED_REASONS = "Préciser le plan de financement et les premiers clients engagés."
COMMITTEE_CONDITIONS = "Confirmer l'accord du prêt solidaire avant le premier versement."


def deliberate(application: Application, staff: User, stage: str, amount: Decimal) -> None:
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
    take_step(
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

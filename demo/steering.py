"""The demo's Comité métropolitain: the meeting of the last semester, held, its report
approved in session; and the next one, planned, its report a draft with today's figures.

The Comité meets twice a year, in late June and mid-December, and each meeting reviews the
semester it closes (``steering.comite.services.report_period``). Whatever today is, the held
meeting is the last of those days at least two days behind, the planned one the first ahead.
Everything goes through the services at the dates it shows (``demo.clock``); who sits and
what is on the agenda are plain rows, as the admin's inlines write them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.clock import at_moment, on_day, real_now
from demo.people import DEMO_DOMAIN
from steering.comite.services import (
    comite_meeting_plan,
    semester_report_approve,
    semester_report_generate,
)
from steering.models import AgendaItem, ComiteMeeting, ComiteMember

# The two sittings of the year (month, day), 9 h 30; a weekend day becomes the Friday before.
SITTINGS = ((6, 25), (12, 10))
STARTS = datetime.time(9, 30)
SITTING_LENGTH = datetime.timedelta(hours=3)
PLACE = "Hôtel de la Métropole, salle du Conseil, Lille"

# The members without an account: invented people, their roles marked as the demo's.
VICE_PRESIDENT = ("Martine Delcourt", "Vice-présidente de la MEL chargée de l'ESS (démo)")
CRESS = ("Olivier Vandenbussche", "Président de la chambre régionale de l'ESS (démo)")
STEERING_ROLE = "Chargée du pilotage du plan ESS à la MEL"

# (title, presenter, minutes)
HELD_AGENDA = [
    ("Ouverture de la séance et relevé de décisions de la séance précédente", "VP", 10),
    ("Parcours des porteurs de projet : de l'accueil au financement", "Nadia Lefebvre", 30),
    ("Les quartiers prioritaires dans le parcours : premiers constats", "Inès Morel", 25),
    ("Subventions accordées et prêts solidaires du semestre", "Julien Carpentier", 20),
    ("Approbation du rapport semestriel et date de la prochaine séance", "VP", 10),
]
PLANNED_AGENDA = [
    ("Ouverture de la séance et relevé de décisions de juin", "VP", 10),
    ("Rapport semestriel : parcours, délais et financements du semestre", "Nadia Lefebvre", 30),
    ("Suivi des projets financés : rapports à 6 et 12 mois", "Thomas Delattre", 20),
    ("Évaluation du plan : méthode et calendrier du laboratoire", "Inès Morel", 25),
    ("Approbation du rapport semestriel", "VP", 10),
]


@dataclass(frozen=True)
class ComiteCalendar:
    held: datetime.datetime
    planned: datetime.datetime


def _sitting(year: int, month: int, day: int) -> datetime.datetime:
    date = datetime.date(year, month, day)
    while date.weekday() >= 5:
        date -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(date, STARTS))


def comite_calendar(now: datetime.datetime) -> ComiteCalendar:
    """The last sitting over by ``now`` (its report approved and the next date set in
    session, three hours after it opened), and the first sitting after ``now``."""
    year = timezone.localdate(now).year
    sittings = [_sitting(y, m, d) for y in (year - 1, year, year + 1) for m, d in SITTINGS]
    held = max(s for s in sittings if s <= now - SITTING_LENGTH)
    planned = min(s for s in sittings if s > now)
    return ComiteCalendar(held=held, planned=planned)


def _members_and_agenda(meeting: ComiteMeeting, agenda: list[tuple[str, str, int]]) -> None:
    steering = User.objects.get(email=f"pilotage@{DEMO_DOMAIN}")
    members = [
        ComiteMember(meeting=meeting, name=VICE_PRESIDENT[0], role=VICE_PRESIDENT[1]),
        ComiteMember(meeting=meeting, name=CRESS[0], role=CRESS[1]),
        ComiteMember(meeting=meeting, user=steering, role=STEERING_ROLE),
    ]
    items = [
        AgendaItem(
            meeting=meeting,
            title=title,
            presenter=VICE_PRESIDENT[0] if presenter == "VP" else presenter,
            duration_minutes=minutes,
        )
        for title, presenter, minutes in agenda
    ]
    rows: list[ComiteMember | AgendaItem] = [*members, *items]
    for position, row in enumerate(rows, start=1):
        row.position = position
        row.full_clean()
        row.save()


def seed_comite() -> ComiteCalendar | None:
    """Seed the two meetings once (after the dossiers, whose figures the reports read)."""
    if ComiteMeeting.objects.exists():
        return None
    staff = User.objects.get(email=f"responsable.programme@{DEMO_DOMAIN}")
    calendar = comite_calendar(real_now())
    held = calendar.held
    with transaction.atomic():
        with at_moment(held - datetime.timedelta(days=60)):
            meeting = comite_meeting_plan(starts_at=held, place=PLACE, actor=staff)
            _members_and_agenda(meeting, HELD_AGENDA)
        # The draft goes to the members ten days ahead; the Comité approves it in session.
        with at_moment(held - datetime.timedelta(days=10)):
            report = semester_report_generate(meeting=meeting, actor=staff)
        with at_moment(held + datetime.timedelta(hours=2, minutes=30)):
            semester_report_approve(report=report, actor=staff)
        # The next date is set in session; its draft carries today's figures.
        with at_moment(held + SITTING_LENGTH):
            upcoming = comite_meeting_plan(starts_at=calendar.planned, place=PLACE, actor=staff)
            _members_and_agenda(upcoming, PLANNED_AGENDA)
        with on_day(0):
            semester_report_generate(meeting=upcoming, actor=staff)
    return calendar

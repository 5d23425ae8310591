"""Hand-built indicators and meetings for the Comité's tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from steering.comite.services import comite_meeting_plan
from steering.indicators.types import Figure, Period, PlanIndicators, Row, Section, Table, Value
from steering.models import AgendaItem, ComiteMeeting, ComiteMember


def indicators(period: Period, granted: str = "412 000 €") -> PlanIndicators:
    money = Section(
        key="money",
        title="Financements",
        intro="Montants demandés, accordés et versés pendant la période.",
        figures=(
            Figure("granted", "Subventions accordées", Value(granted, 412000)),
            Figure("leverage", "Effet levier", Value("2,4 € par euro de la MEL", 2.4)),
        ),
        tables=(
            Table(
                key="by_financier",
                title="Montants accordés par financeur",
                description="Somme des montants accordés, en euros.",
                headers=("Financeur", "Montant accordé"),
                rows=(
                    Row("MEL", (Value("212 000 €", 212000),)),
                    Row("France Active", (Value("150 000 €", 150000),)),
                    Row("Petit financeur", (Value("moins de 3", None),)),
                ),
                chart="bar",
            ),
        ),
    )
    funnel = Section(
        key="funnel",
        title="Parcours des projets",
        intro="Du premier contact au financement.",
        figures=(Figure("contacts", "Premiers contacts", Value("184", 184)),),
        tables=(
            Table(
                key="funnel",
                title="Projets à chaque étape",
                description="Nombre de projets arrivés à chaque étape.",
                headers=("Étape", "Projets", "Part"),
                rows=(
                    Row("Premier contact", (Value("184", 184), Value("100 %", 100))),
                    Row("Financé", (Value("37", 37), Value("20 %", 20))),
                ),
                chart="funnel",
            ),
        ),
    )
    return PlanIndicators(
        period=period,
        scope_label="Tout le plan",
        computed_at=timezone.now(),
        sections=(funnel, money),
    )


def meeting(
    actor: User, *, days: int = 7, place: str = "Hôtel de la Métropole, Lille"
) -> ComiteMeeting:
    """A meeting ``days`` from now (negative: in the past), with two members and two items."""
    starts_at = timezone.now().replace(microsecond=0, second=0, minute=0) + datetime.timedelta(
        days=days
    )
    planned = comite_meeting_plan(starts_at=starts_at, place=place, actor=actor)
    ComiteMember.objects.create(meeting=planned, name="Anne Voituriez", role="Vice-présidente")
    ComiteMember.objects.create(meeting=planned, name="Karim Benali", role="CRESS", position=1)
    AgendaItem.objects.create(meeting=planned, title="Rapport semestriel", presenter="MEL")
    AgendaItem.objects.create(
        meeting=planned, title="Questions diverses", position=1, duration_minutes=15
    )
    return planned

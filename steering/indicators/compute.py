"""The plan's indicators for a period (placeholder until the indicators land)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from steering.indicators.types import Figure, Period, PlanIndicators, Row, Section, Table, Value


def plan_indicators(period: Period, *, axis: Any = None, programme: Any = None) -> PlanIndicators:
    """placeholder until the indicators land"""
    section = Section(
        key="funnel",
        title="Parcours des projets",
        intro="Du premier contact au financement.",
        figures=(Figure("first_contacts", "Premiers contacts", Value("0", 0)),),
        tables=(
            Table(
                key="funnel",
                title="Projets à chaque étape",
                description="Nombre de projets arrivés à chaque étape pendant la période.",
                headers=("Étape", "Projets"),
                rows=(Row("Premier contact", (Value("0", 0),)),),
                chart="bar",
                chart_column=0,
            ),
        ),
    )
    return PlanIndicators(
        period=period,
        scope_label="Tout le plan",
        computed_at=timezone.now(),
        sections=(section,),
    )

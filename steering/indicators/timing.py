"""Time: days between the steps of the cohort's dossiers (median and 90th percentile) and
the service levels missed (triage, answer to an orientation, complements)."""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from steering.indicators import formats
from steering.indicators.cells import hide_cross_table, too_few
from steering.indicators.cohort import STEPS, Cohort, Dossier
from steering.indicators.types import Figure, Row, Section, Table
from workflows.calendar import add_working_days
from workflows.models import ComplementRequest

DAY = 86400.0
SPANS: tuple[tuple[int, int, str], ...] = (
    *((k, k + 1, f"{STEPS[k][1]} → {STEPS[k + 1][1].lower()}") for k in range(len(STEPS) - 1)),
    (0, 6, "De bout en bout : premier contact → décision du comité"),
    (0, 7, "De bout en bout : premier contact → financement"),
)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (the median with 0.5)."""
    if share == 0.5:
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]


def _durations(cohort: Cohort, start: int, end: int) -> list[float]:
    found = []
    for dossier in cohort:
        begin, finish = dossier.reached.get(start), dossier.reached.get(end)
        if begin is not None and finish is not None and finish >= begin:
            found.append((finish - begin).total_seconds() / DAY)
    return sorted(found)


def _triage(dossier: Dossier, now: datetime.datetime) -> bool | None:
    """Late at triage? None when the dossier says nothing about it."""
    triaged = min(
        (at for key, at in dossier.entered.items() if key in ("j:orientation", "j:redirected")),
        default=None,
    )
    due = add_working_days(dossier.first_contact, settings.TRIAGE_SLA_WORKING_DAYS)
    if triaged is None:
        return True if now > due and dossier.journey_stage == "triage" else None
    return triaged > due


def _orientation(dossier: Dossier, now: datetime.datetime) -> bool | None:
    proposed = dossier.entered.get("j:orientation")
    if proposed is None:
        return None
    answered = dossier.entered.get("j:support")
    due = proposed + datetime.timedelta(days=settings.ORIENTATION_SLA_DAYS)
    if answered is None:
        return True if now > due and dossier.journey_stage == "orientation" else None
    return answered > due


def _complements(cohort: Cohort) -> tuple[int, int]:
    """Dossiers asked for complements, and those with at least one late: dossiers, not
    requests, as the row's header says and as the small-cell threshold counts people."""
    requests = ComplementRequest.objects.filter(
        application__in=cohort.applications.values("pk")
    ).order_by()
    # The deadline is a Lille date: compare it with Lille's today, not UTC's.
    late = Q(answered_at__date__gt=F("deadline")) | Q(
        answered_at__isnull=True, deadline__lt=timezone.localdate(cohort.now)
    )
    totals = requests.aggregate(
        total=Count("application", distinct=True),
        late=Count("application", distinct=True, filter=late),
    )
    return totals["total"], totals["late"]


def _sla_rows(cohort: Cohort) -> list[tuple[str, int, int]]:
    triage = [_triage(d, cohort.now) for d in cohort]
    orientation = [_orientation(d, cohort.now) for d in cohort]
    measured = lambda flags: [f for f in flags if f is not None]  # noqa: E731
    return [
        (
            f"Tri du premier contact ({settings.TRIAGE_SLA_WORKING_DAYS} jours ouvrés)",
            len(measured(triage)),
            sum(measured(triage)),
        ),
        (
            f"Réponse à une orientation ({settings.ORIENTATION_SLA_DAYS} jours)",
            len(measured(orientation)),
            sum(measured(orientation)),
        ),
        ("Compléments : au moins un fourni après la date demandée", *_complements(cohort)),
    ]


def time_section(cohort: Cohort, *, intro: str) -> Section:
    rows = []
    end_to_end: list[float] = []
    for start, end, label in SPANS:
        values = _durations(cohort, start, end)
        if (start, end) == (0, 7):
            end_to_end = values
        hide = too_few(len(values))
        rows.append(
            Row(
                label,
                (
                    formats.days(percentile(values, 0.5) if values else None, hide=hide),
                    formats.days(percentile(values, 0.9) if values else None, hide=hide),
                ),
            )
        )
    spans = Table(
        key="stages",
        title="Jours passés entre deux étapes",
        description="Médiane et 90e centile du nombre de jours entre deux étapes, pour les dossiers de la cohorte qui les ont franchies.",
        # No count of dossiers measured: it would be a funnel step's count, shown here even
        # where the funnel hides it (a cross-table leak).
        headers=("Entre", "Médiane", "9 dossiers sur 10 en moins de"),
        rows=tuple(rows),
        chart="bar",
        chart_column=1,
    )
    sla = _sla_rows(cohort)
    hidden = hide_cross_table([[total, late] for _label, total, late in sla], cumulative=True)
    sla_table = Table(
        key="sla",
        title="Délais de service dépassés",
        description="Part des dossiers concernés dont un délai de service a été dépassé.",
        # The share only: the counts behind it are funnel steps' counts (see above).
        headers=("Délai", "Part hors délai"),
        rows=tuple(
            Row(label, (formats.percent(late, total, hide=hidden[i][0] or hidden[i][1]),))
            for i, (label, total, late) in enumerate(sla)
        ),
        chart="bar",
        chart_column=1,
    )
    hide = too_few(len(end_to_end))
    figures = (
        Figure(
            "median_to_funding",
            "Du premier contact au financement (médiane)",
            formats.days(percentile(end_to_end, 0.5) if end_to_end else None, hide=hide),
        ),
        Figure(
            "p90_to_funding",
            "9 dossiers financés sur 10 l'ont été en moins de",
            formats.days(percentile(end_to_end, 0.9) if end_to_end else None, hide=hide),
        ),
    )
    return Section("time", "Les délais", intro, figures, (spans, sla_table))

"""Impact, from the follow-up reports handed in during the period: jobs created and kept,
QPV residents hired, beneficiaries, turnover, and the enterprises still active 12 and 36
months after the decision. Each dossier counts once, with its latest report of the period
(the figures of a report are cumulative since the decision)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from funding.models import FollowUpReport, PlanAxis, Programme
from steering.indicators import formats
from steering.indicators.cells import hide_cross_table, too_few
from steering.indicators.cohort import bounds, scoped_applications
from steering.indicators.types import Figure, Period, Row, Section, Table

INTRO = (
    "Les rapports de suivi rendus {period} par les projets financés, quelle que soit la date "
    "de leur premier contact. Chaque projet compte une fois, avec son dernier rapport."
)


@dataclass(frozen=True)
class Report:
    application_id: int
    months: int
    jobs_created: Decimal | None
    jobs_kept: Decimal | None
    qpv_hired: int | None
    beneficiaries: int | None
    turnover: Decimal | None
    still_active: bool | None


def _reports(period: Period, axis: PlanAxis | None, programme: Programme | None) -> list[Report]:
    start, end = bounds(period)
    reports = FollowUpReport.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if axis is not None or programme is not None:
        scoped = scoped_applications(axis=axis, programme=programme)
        reports = reports.filter(application__in=scoped.values("pk"))
    columns = (
        "application_id", "months", "jobs_created_fte", "jobs_kept_fte", "qpv_residents_hired",
        "beneficiaries", "turnover", "still_active",
    )  # fmt: skip
    return [Report(*row) for row in reports.order_by().values_list(*columns).iterator(2000)]


def _total(values: list[Decimal | int | None]) -> tuple[Decimal, int]:
    known = [Decimal(v) for v in values if v is not None]
    return sum(known, Decimal(0)), len(known)


def impact_section(
    period: Period, *, axis: PlanAxis | None, programme: Programme | None, intro: str
) -> Section:
    reports = _reports(period, axis, programme)
    latest: dict[int, Report] = {}
    for report in reports:
        known = latest.get(report.application_id)
        if known is None or report.months > known.months:
            latest[report.application_id] = report
    last = list(latest.values())
    figures = [Figure("projects", "Projets ayant rendu un rapport", formats.count(len(last)))]
    for key, label, attr, fmt in (
        ("jobs_created", "Emplois créés", "jobs_created", formats.fte),
        ("jobs_kept", "Emplois maintenus", "jobs_kept", formats.fte),
        ("qpv_hired", "Personnes habitant un QPV embauchées", "qpv_hired", formats.number),
        ("beneficiaries", "Bénéficiaires", "beneficiaries", formats.number),
        ("turnover", "Chiffre d'affaires cumulé", "turnover", formats.euros),
    ):
        total, n = _total([getattr(r, attr) for r in last])
        figures.append(Figure(key, label, fmt(total, hide=too_few(n))))
    survival = []
    for months in (12, 36):
        answered = [r for r in reports if r.months == months and r.still_active is not None]
        survival.append((months, len(answered), sum(1 for r in answered if r.still_active)))
    hidden = hide_cross_table([[n, active] for _m, n, active in survival], cumulative=True)
    table = Table(
        key="survival",
        title="Structures toujours en activité",
        description="Part des structures financées encore en activité 12 et 36 mois après la décision, d'après leur rapport.",
        headers=("Échéance", "Rapports reçus", "Toujours en activité", "Part"),
        rows=tuple(
            Row(
                f"{months} mois après la décision",
                (
                    formats.count(n, hide=hidden[i][0]),
                    formats.count(active, hide=hidden[i][1]),
                    formats.percent(active, n, hide=hidden[i][0] or hidden[i][1]),
                ),
            )
            for i, (months, n, active) in enumerate(survival)
        ),
        chart="bar",
        chart_column=3,
    )
    return Section("impact", "L'impact des projets financés", intro, tuple(figures), (table,))

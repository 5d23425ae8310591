"""Money of the cohort: asked for, proposed, granted, paid; by financier and by instrument;
and the leverage of the MEL's grant (euros of co-financing per euro of the programme's
grant, counted on the dossiers that grant funds). Every amount is published only when at
least the threshold of dossiers contribute to THAT amount: a financier solicited by ten
dossiers but granting one has its granted amount hidden."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from funding.models import FundingInstrument, FundingLine, LineState, Tranche
from reviewers.models import Deliberation
from steering.indicators import formats
from steering.indicators.cells import hide_cross_table, threshold, too_few
from steering.indicators.cohort import APPLIED, Cohort
from steering.indicators.types import Figure, Row, Section, Table

ZERO = Decimal(0)
INSTRUMENTS = {str(k): str(v) for k, v in FundingInstrument.choices}
LEVERAGE_HELP = (
    "Pour les seuls dossiers qui ont reçu la subvention du programme de la MEL : euros "
    "accordés par les autres financeurs pour 1\u00a0€ de cette subvention."
)


@dataclass(frozen=True)
class Line:
    application_id: int
    financier: str
    instrument: str
    is_programme_grant: bool
    state: str
    proposed: Decimal
    decided: Decimal | None

    @property
    def granted(self) -> Decimal:
        return (self.decided or ZERO) if self.state == LineState.GRANTED else ZERO


def read_lines(cohort: Cohort) -> list[Line]:
    columns = (
        "dossier_id", "organisation__name", "instrument", "is_programme_grant", "state",
        "proposed_amount", "decided_amount",
    )  # fmt: skip
    lines = FundingLine.objects.filter(dossier__in=cohort.applications.values("pk"))
    return [Line(*row) for row in lines.order_by().values_list(*columns).iterator(2000)]


def granted_by_application(lines: list[Line]) -> dict[int, Decimal]:
    granted: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.state == LineState.GRANTED:
            granted[line.application_id] += line.granted
    return granted


def contributors(amounts: dict[int, Decimal]) -> int:
    """How many dossiers an amount sums over: those with a non-zero part in it."""
    return sum(1 for amount in amounts.values() if amount)


def _committee_proposals(cohort: Cohort) -> tuple[Decimal, int]:
    """The amount the committee proposed at its latest favourable avis, per dossier, and the
    number of dossiers with a non-zero proposal."""
    latest: dict[int, Decimal | None] = {}
    rows = (
        Deliberation.objects.filter(
            application__in=cohort.applications.values("pk"),
            outcome__in=("favourable", "with_conditions"),
            proposed_amount__isnull=False,
        )
        .order_by("recorded_at", "pk")
        .values_list("application_id", "proposed_amount")
    )
    for application_id, amount in rows.iterator(2000):
        latest[application_id] = amount
    return sum((v or ZERO for v in latest.values()), ZERO), sum(1 for v in latest.values() if v)


def _disbursed(cohort: Cohort) -> tuple[Decimal, int]:
    paid = Tranche.objects.filter(
        application__in=cohort.applications.values("pk"), released_at__isnull=False, amount__gt=0
    )
    totals = paid.order_by().aggregate(total=Sum("amount"))
    dossiers = paid.order_by().values("application_id").distinct().count()
    return totals["total"] or ZERO, dossiers


def _breakdown(lines: list[Line], key: str, title: str, header: str, table_key: str) -> Table:
    dossiers: dict[str, set[int]] = defaultdict(set)
    proposed: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    granted: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        name = (
            INSTRUMENTS.get(line.instrument, line.instrument)
            if key == "instrument"
            else line.financier
        )
        dossiers[name].add(line.application_id)
        proposed[name][line.application_id] += line.proposed
        granted[name][line.application_id] += line.granted
    names = sorted(dossiers, key=lambda n: (-len(dossiers[n]), n))
    counts = [len(dossiers[n]) for n in names]
    hidden = hide_cross_table([[c] for c in counts])
    limit = threshold()  # zero euros over zero dossiers describes no one: shown as "0 €"
    rows = []
    for i, name in enumerate(names):
        # Each amount by the dossiers it sums over, not by the dossiers that asked.
        amounts = [proposed[name], granted[name]]
        cells = (
            formats.euros(sum(a.values(), ZERO), hide=hidden[i][0] or 0 < contributors(a) < limit)
            for a in amounts
        )
        rows.append(Row(name, (formats.count(counts[i], hide=hidden[i][0]), *cells)))
    return Table(
        key=table_key,
        title=title,
        description=f"Montants proposés et accordés aux dossiers de la cohorte, par {header.lower()}.",
        headers=(header, "Dossiers", "Montant proposé", "Montant accordé"),
        rows=tuple(rows),
        chart="bar",
        chart_column=3,
        note="" if rows else "Aucune ligne de financement pour ces dossiers.",
    )


def money_section(cohort: Cohort, lines: list[Line], *, intro: str) -> Section:
    applied = [d for d in cohort if d.furthest >= APPLIED and d.requested is not None]
    requested = sum((d.requested or ZERO for d in applied), ZERO)
    proposed, proposed_n = _committee_proposals(cohort)
    requested_n = sum(1 for d in applied if d.requested)
    granted_by = granted_by_application(lines)
    granted, granted_n = sum(granted_by.values(), ZERO), contributors(granted_by)
    disbursed, disbursed_n = _disbursed(cohort)
    # The leverage: co-financing of the dossiers the MEL's programme grant funds only.
    mel_by: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.is_programme_grant and line.granted:
            mel_by[line.application_id] += line.granted
    mel_total = sum(mel_by.values(), ZERO)
    co_total = sum(
        (ln.granted for ln in lines if not ln.is_programme_grant and ln.application_id in mel_by),
        ZERO,
    )
    leverage = (co_total / mel_total) if mel_total else None
    steps = (
        ("Demandé par les porteurs", requested, requested_n),
        ("Proposé par le comité", proposed, proposed_n),
        ("Accordé par les financeurs", granted, granted_n),
        ("Versé par la MEL", disbursed, disbursed_n),
    )
    money_steps = Table(
        key="money_steps",
        title="De la demande au versement",
        description="Montants demandés, proposés, accordés et versés pour les dossiers de la cohorte.",
        # No count of dossiers: each is a funnel step's count (granted ≈ funded), shown here
        # even where the funnel hides it.
        headers=("Étape", "Montant"),
        rows=tuple(
            Row(label, (formats.euros(amount, hide=too_few(n)),)) for label, amount, n in steps
        ),
        chart="bar",
        chart_column=1,
    )
    figures = (
        Figure("requested", "Montant demandé", formats.euros(requested, hide=too_few(requested_n))),
        Figure("granted", "Montant accordé", formats.euros(granted, hide=too_few(granted_n))),
        Figure("disbursed", "Montant versé", formats.euros(disbursed, hide=too_few(disbursed_n))),
        Figure(
            "leverage",
            "Effet levier",
            formats.ratio(leverage, hide=too_few(len(mel_by))),
            help=LEVERAGE_HELP,
        ),
    )
    return Section(
        key="money",
        title="Les montants",
        intro=intro,
        figures=figures,
        tables=(
            money_steps,
            _breakdown(lines, "financier", "Par financeur", "Financeur", "by_financier"),
            _breakdown(lines, "instrument", "Par instrument", "Instrument", "by_instrument"),
        ),
    )

"""Equity of access: the same funnel and outcomes by QPV, commune, gender and age band.

Gender and age band are self-declared and optional: "Non renseigné" (never answered) and
"Ne souhaite pas répondre" are rows of their own. Each table is a cross-table of groups by
cumulative steps, protected by ``cells.hide_cross_table``; an amount is hidden with its
row's count of funded dossiers, and whenever fewer than the threshold of them have a
granted amount in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from applicants.models import AgeBand, Gender, QpvOutcome
from steering.indicators import formats
from steering.indicators.cells import hide_cross_table, threshold, too_few
from steering.indicators.cohort import APPLIED, FUNDED, SELECTED, Cohort, Dossier
from steering.indicators.types import Row, Section, Table

COLUMNS = ((0, "Premiers contacts"), (2, "Accompagnés"), (APPLIED, "Candidatures"),
           (SELECTED, "Retenus"), (FUNDED, "Financés"))  # fmt: skip
QPV_LABELS = {
    QpvOutcome.INSIDE: "En quartier prioritaire (QPV)",
    QpvOutcome.OUTSIDE: "Hors quartier prioritaire",
    QpvOutcome.TO_VERIFY: "Situation QPV à vérifier",
    "": "Non renseigné",
}
MAX_COMMUNES = 15
OTHER_COMMUNES = "Autres communes (regroupées)"


def _table(
    key: str,
    title: str,
    groups: list[tuple[str, list[Dossier]]],
    granted: dict[int, Decimal],
    header: str,
) -> Table:
    grid = [
        [sum(1 for d in members if d.furthest >= k) for k, _ in COLUMNS] for _, members in groups
    ]
    hidden = hide_cross_table(grid, cumulative=True)
    rows = []
    for (label, members), counts, mask in zip(groups, grid, hidden, strict=True):
        funded = [d for d in members if d.furthest >= FUNDED and d.application_id is not None]
        parts = [granted.get(d.application_id or 0, Decimal(0)) for d in funded]
        amount = sum(parts, Decimal(0))
        cells = tuple(formats.count(c, hide=h) for c, h in zip(counts, mask, strict=True))
        # Hidden by the dossiers the amount sums over (a funded dossier may have no grant).
        money = formats.euros(amount, hide=mask[-1] or too_few(sum(1 for p in parts if p)))
        rows.append(Row(label, (*cells, money)))
    return Table(
        key=key,
        title=title,
        description=f"Dossiers de la cohorte arrivés à chaque étape, {title.lower()}.",
        headers=(header, *(label for _, label in COLUMNS), "Montant accordé"),
        rows=tuple(rows),
        chart="bar",
        chart_column=1,
    )


def _grouped(
    cohort: Cohort, key: Callable[[Dossier], str], order: list[str]
) -> list[tuple[str, list[Dossier]]]:
    members: dict[str, list[Dossier]] = defaultdict(list)
    for dossier in cohort:
        members[key(dossier)].append(dossier)
    return [(label, members.get(label, [])) for label in order]


def _communes(cohort: Cohort) -> list[tuple[str, list[Dossier]]]:
    members: dict[str, list[Dossier]] = defaultdict(list)
    for dossier in cohort:
        members[dossier.commune or "Non renseignée"].append(dossier)
    ranked = sorted(members, key=lambda name: (-len(members[name]), name))
    kept = [n for n in ranked if len(members[n]) >= threshold()][:MAX_COMMUNES]
    rest = [d for n in ranked if n not in kept for d in members[n]]
    groups = [(name, members[name]) for name in kept]
    return [*groups, (OTHER_COMMUNES, rest)] if rest else groups


def equity_section(cohort: Cohort, granted: dict[int, Decimal], *, intro: str) -> Section:
    gender = {str(v): str(label) for v, label in Gender.choices}
    ages = {str(v): str(label) for v, label in AgeBand.choices}
    qpv_key = lambda d: QPV_LABELS.get(d.qpv, QPV_LABELS[""])  # noqa: E731
    tables = (
        _table(
            "by_qpv",
            "Selon le quartier",
            _grouped(cohort, qpv_key, list(dict.fromkeys(QPV_LABELS.values()))),
            granted,
            "Quartier",
        ),
        _table("by_commune", "Par commune de l'activité", _communes(cohort), granted, "Commune"),
        _table(
            "by_gender",
            "Selon le genre déclaré",
            _grouped(cohort, lambda d: gender.get(d.gender, gender[""]), _order(Gender.choices)),
            granted,
            "Genre déclaré",
        ),
        _table(
            "by_age_band",
            "Selon la tranche d'âge déclarée",
            _grouped(cohort, lambda d: ages.get(d.age_band, ages[""]), _order(AgeBand.choices)),
            granted,
            "Tranche d'âge déclarée",
        ),
    )
    return Section("equity", "L'égalité d'accès", intro, (), tables)


def _order(choices: list[tuple[str, Any]]) -> list[str]:
    """Declared answers first, then "Ne souhaite pas répondre", then "Non renseigné"."""
    labels = {str(v): str(label) for v, label in choices}
    keys = [k for k in labels if k not in ("", "declined")] + ["declined", ""]
    return [labels[k] for k in keys]

"""The funnel of a cohort: how many of the dossiers first met in the period reached each
step, the conversion from one step to the next and from the first contact, and where the
others stopped."""

from __future__ import annotations

from collections import Counter

from steering.indicators import formats
from steering.indicators.cells import hide_cross_table
from steering.indicators.cohort import FUNDED, OUTCOMES, STEPS, Cohort
from steering.indicators.types import Figure, Row, Section, Table

INTRO = (
    "Les dossiers dont le premier contact a eu lieu {period}, suivis jusqu'au jour du calcul : "
    "chaque dossier compte à toutes les étapes qu'il a franchies, même s'il a été réorienté, "
    "retiré ou refusé ensuite. Un dossier arrivé plus tôt n'y figure pas, même s'il a avancé "
    "pendant la période. Les effectifs de moins de {threshold} dossiers ne sont pas publiés."
)


def step_counts(cohort: Cohort) -> list[int]:
    counts = [0] * len(STEPS)
    for dossier in cohort:
        for k in range(dossier.furthest + 1):
            counts[k] += 1
    return counts


def funnel_section(cohort: Cohort, *, intro: str) -> Section:
    counts = step_counts(cohort)
    hidden = hide_cross_table([counts], cumulative=True)[0]
    rows = []
    for k, (_key, label) in enumerate(STEPS):
        previous = k - 1 if k else 0
        rows.append(
            Row(
                label,
                (
                    formats.count(counts[k], hide=hidden[k]),
                    formats.percent(
                        counts[k], counts[previous], hide=hidden[k] or hidden[previous] or k == 0
                    ),
                    formats.percent(counts[k], counts[0], hide=hidden[k] or hidden[0]),
                ),
            )
        )
    steps = Table(
        key="steps",
        title="Dossiers arrivés à chaque étape",
        description="Nombre de dossiers de la cohorte qui ont atteint chaque étape du parcours.",
        headers=("Étape", "Dossiers", "Depuis l'étape précédente", "Depuis le premier contact"),
        rows=tuple(rows),
        chart="funnel",
        chart_column=1,
    )
    figures = (
        Figure("first_contacts", "Premiers contacts", formats.count(counts[0], hide=hidden[0])),
        Figure("applied", "Candidatures déposées", formats.count(counts[3], hide=hidden[3])),
        Figure("funded", "Projets financés", formats.count(counts[FUNDED], hide=hidden[FUNDED])),
        Figure(
            "conversion",
            "Du premier contact au financement",
            formats.percent(counts[FUNDED], counts[0], hide=hidden[FUNDED] or hidden[0]),
        ),
    )
    return Section(
        key="funnel",
        title="Du premier contact au suivi",
        intro=intro,
        figures=figures,
        tables=(steps, outcomes_table(cohort)),
    )


def outcomes_table(cohort: Cohort) -> Table:
    """Where each dossier of the cohort is now: still going, or why it stopped."""
    tally = Counter(dossier.outcome for dossier in cohort)
    counts = [tally.get(key, 0) for key, _label in OUTCOMES]
    hidden = hide_cross_table([[c] for c in counts])
    total = len(cohort)
    rows = tuple(
        Row(
            label,
            (
                formats.count(counts[i], hide=hidden[i][0]),
                formats.percent(counts[i], total, hide=hidden[i][0]),
            ),
        )
        for i, (_key, label) in enumerate(OUTCOMES)
    )
    return Table(
        key="outcomes",
        title="Où en sont les dossiers, et pourquoi certains se sont arrêtés",
        description="Répartition des dossiers de la cohorte selon leur situation au jour du calcul.",
        headers=("Situation", "Dossiers", "Part de la cohorte"),
        rows=rows,
        chart="bar",
        chart_column=1,
        note=f"{formats.count(total).display} dossiers au total." if total else "",
    )

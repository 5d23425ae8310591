"""``plan_indicators``: the plan's indicators for one period, the whole plan or one axis or
programme. Called by the nightly snapshots (``steering.services``), never by a page: it reads
every dossier of the period (a fixed number of queries, rows streamed)."""

from __future__ import annotations

from django.utils import timezone

from funding.models import PlanAxis, Programme
from steering.indicators.cells import threshold
from steering.indicators.cohort import cohort_of
from steering.indicators.equity import equity_section
from steering.indicators.funnel import INTRO as FUNNEL_INTRO
from steering.indicators.funnel import funnel_section
from steering.indicators.impact import INTRO as IMPACT_INTRO
from steering.indicators.impact import impact_section
from steering.indicators.money import granted_by_application, money_section, read_lines
from steering.indicators.timing import time_section
from steering.indicators.types import Period, PlanIndicators

SCOPED_NOTE = (
    " Un premier contact n'est rattaché à un programme qu'à l'ouverture de sa candidature : "
    "pour un axe ou un programme, seuls les dossiers qui ont ouvert une candidature y sont comptés."
)
MONEY_INTRO = (
    "Les montants des dossiers de la même cohorte (premier contact {period}), quelle que soit "
    "la date de la décision ou du versement. Un montant n'est publié que s'il porte sur au "
    "moins {threshold} dossiers : un financeur sollicité par dix dossiers mais qui n'en aide "
    "qu'un n'a pas son montant accordé publié. L'effet levier ne compte que les dossiers qui "
    "ont reçu la subvention du programme de la MEL : pour ceux-là, les euros accordés par les "
    "autres financeurs pour 1\u00a0€ de cette subvention."
)
TIME_INTRO = (
    "Le nombre de jours entre deux étapes, pour les dossiers de la cohorte (premier contact "
    "{period}) qui les ont franchies : la médiane (la moitié des dossiers ont mis moins) et "
    "le délai sous lequel 9 dossiers sur 10 sont passés."
)
EQUITY_INTRO = (
    "L'entonnoir de la même cohorte (premier contact {period}) selon le quartier, la commune, "
    "le genre et la tranche d'âge. Genre et âge sont déclarés librement : « Non renseigné » "
    "compte les personnes à qui la question n'a pas été posée ou qui n'y ont pas répondu. Une "
    "case de moins de {threshold} dossiers est masquée, et d'autres avec elle, pour qu'on ne "
    "puisse pas la retrouver par soustraction."
)


def scope_label(axis: PlanAxis | None, programme: Programme | None) -> str:
    if programme is not None:
        return f"Programme {programme.name}"
    if axis is not None:
        return f"Axe {axis.number} — {axis.name}"
    return "Tout le plan"


def plan_indicators(
    period: Period, *, axis: PlanAxis | None = None, programme: Programme | None = None
) -> PlanIndicators:
    # "au 1er semestre 2027" or "du 3 mars 2027 au 15 avril 2027"
    during = f"au {period.label}" if period.is_semester else period.label
    words = {"period": during, "threshold": threshold()}
    funnel_intro = FUNNEL_INTRO.format(**words)
    if axis is not None or programme is not None:
        funnel_intro += SCOPED_NOTE
    cohort = cohort_of(period, axis=axis, programme=programme)
    lines = read_lines(cohort)
    sections = (
        funnel_section(cohort, intro=funnel_intro),
        money_section(cohort, lines, intro=MONEY_INTRO.format(**words)),
        time_section(cohort, intro=TIME_INTRO.format(**words)),
        impact_section(period, axis=axis, programme=programme, intro=IMPACT_INTRO.format(**words)),
        equity_section(cohort, granted_by_application(lines), intro=EQUITY_INTRO.format(**words)),
    )
    return PlanIndicators(
        period=period,
        scope_label=scope_label(axis, programme),
        computed_at=timezone.now(),
        sections=sections,
    )

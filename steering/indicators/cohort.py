"""The cohort every section reads: the dossiers whose first contact falls in the period, and
how far each had got at the time of computing.

Every dossier starts with a journey (an application always comes from one), so the cohort is
the journeys created in the period. With an axis or a programme, only the dossiers whose
application falls under it are kept: a journey belongs to a programme only once its
application is opened.

A fixed number of queries whatever the number of dossiers (each read streams a few columns
with ``values_list().iterator()``); the grouping is done here, row by row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from funding.models import PlanAxis, Programme
from steering.indicators.types import Period
from workflows.models import Application, Journey, StageChange

STEPS: tuple[tuple[str, str], ...] = (
    ("first_contact", "Premiers contacts"),
    ("oriented", "Orientés vers une structure"),
    ("supported", "Accompagnés"),
    ("applied", "Candidatures déposées"),
    ("complete", "Dossiers complets"),
    ("eligible", "Éligibles"),
    ("selected", "Retenus par le comité"),
    ("funded", "Financés"),
    ("followed", "En suivi"),
    ("closed", "Suivi terminé"),
)
APPLIED, SELECTED, FUNDED = 3, 6, 7
JOURNEY_STEP = {
    "triage": 0, "redirected": 0, "orientation": 1, "support": 2, "ready": 2,
    "support_ended": 2,
}  # fmt: skip
APPLICATION_STEP = {
    "draft": 2, "submitted": 3, "incomplete": 3, "closed_no_follow_up": 3, "complete": 4,
    "ineligible": 4, "eligible": 5, "on_agenda": 5, "adjourned": 5, "rejected": 5,
    "funding": 6, "not_funded": 6, "convention": 7, "follow_up": 8, "closed": 9,
}  # fmt: skip
# Why a dossier stopped, read from where it stopped (the last stage is the outcome).
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("in_progress", "Toujours en cours"),
    ("redirected", "Réorientés vers un autre dispositif"),
    ("withdrawn", "Retirés par le porteur ou la porteuse"),
    ("support_ended", "Accompagnement terminé sans candidature"),
    ("incomplete_closed", "Dossiers incomplets classés sans suite"),
    ("ineligible", "Non éligibles"),
    ("adjourned", "Ajournés par le comité (en attente)"),
    ("unfavourable", "Avis défavorable du comité"),
    ("not_funded", "Non financés par les financeurs"),
    ("closed", "Suivi mené à son terme"),
)
_APPLICATION_OUTCOME = {
    "withdrawn": "withdrawn", "ineligible": "ineligible",
    "closed_no_follow_up": "incomplete_closed", "rejected": "unfavourable",
    "adjourned": "adjourned", "not_funded": "not_funded", "closed": "closed",
}  # fmt: skip
_JOURNEY_OUTCOME = {
    "redirected": "redirected", "withdrawn": "withdrawn", "support_ended": "support_ended",
}  # fmt: skip


@dataclass
class Dossier:
    journey_id: int
    first_contact: datetime.datetime
    journey_stage: str
    qpv: str
    commune: str
    gender: str
    age_band: str
    application_id: int | None = None
    application_stage: str = ""
    requested: Decimal | None = None
    # Step index → the first moment the dossier was at that step or beyond (None: known
    # reached, date unknown).
    reached: dict[int, datetime.datetime | None] = field(default_factory=dict)
    # First moment of each stage of the history, prefixed "j:" or "a:".
    entered: dict[str, datetime.datetime] = field(default_factory=dict)

    @property
    def furthest(self) -> int:
        return max(self.reached, default=0)

    @property
    def outcome(self) -> str:
        if self.application_id is not None:
            return _APPLICATION_OUTCOME.get(self.application_stage, "in_progress")
        return _JOURNEY_OUTCOME.get(self.journey_stage, "in_progress")

    def reach(self, step: int | None, at: datetime.datetime | None) -> None:
        if step is None:
            return
        for k in range(step + 1):
            if k not in self.reached:
                self.reached[k] = at
            elif at is not None:
                known = self.reached[k]
                self.reached[k] = at if known is None else min(known, at)


@dataclass
class Cohort:
    period: Period
    now: datetime.datetime
    journeys: QuerySet[Journey]  # the cohort's journeys, for the sections' own reads
    dossiers: dict[int, Dossier] = field(default_factory=dict)  # by journey id
    by_application: dict[int, Dossier] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Dossier]:
        return iter(self.dossiers.values())

    def __len__(self) -> int:
        return len(self.dossiers)

    @property
    def applications(self) -> QuerySet[Application]:
        return Application.objects.filter(source_journey__in=self.journeys.values("pk"))


# Far outside any dossier's life, far inside what datetimes can hold in any time zone: an
# absurd period (year 1 to 9999) is clamped to these, never an overflow.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(9000, 12, 31)


def bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware moments: from its first day's midnight to the next day's."""
    zone = timezone.get_current_timezone()
    first = min(max(period.start, FIRST_DAY), LAST_DAY)
    last = min(max(period.end, FIRST_DAY), LAST_DAY)
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time())
    return start, end.replace(tzinfo=zone)


def scoped_applications(
    *, axis: PlanAxis | None, programme: Programme | None
) -> QuerySet[Application]:
    applications = Application.objects.all()
    if programme is not None:
        applications = applications.filter(rule_version__programme=programme)
    if axis is not None:
        applications = applications.filter(rule_version__programme__axis=axis)
    return applications


def cohort_of(
    period: Period, *, axis: PlanAxis | None = None, programme: Programme | None = None
) -> Cohort:
    start, end = bounds(period)
    journeys = Journey.objects.filter(created__gte=start, created__lt=end)
    if axis is not None or programme is not None:
        scoped = scoped_applications(axis=axis, programme=programme)
        journeys = journeys.filter(Exists(scoped.filter(source_journey=OuterRef("pk"))))
    cohort = Cohort(period=period, now=timezone.now(), journeys=journeys)
    _read_journeys(cohort)
    _read_applications(cohort)
    _read_history(cohort)
    return cohort


def _read_journeys(cohort: Cohort) -> None:
    columns = (
        "pk", "created", "stage", "project__current_qpv__outcome", "project__commune__name",
        "holder__gender", "holder__age_band",
    )  # fmt: skip
    rows = cohort.journeys.order_by().values_list(*columns).iterator(chunk_size=2000)
    for pk, created, stage, qpv, commune, gender, age_band in rows:
        dossier = Dossier(pk, created, stage, qpv or "", commune or "", gender, age_band)
        dossier.reach(0, created)
        dossier.reach(JOURNEY_STEP.get(stage), None)
        cohort.dossiers[pk] = dossier


def _read_applications(cohort: Cohort) -> None:
    columns = ("pk", "source_journey_id", "stage", "submitted_at", "requested_amount")
    rows = cohort.applications.order_by().values_list(*columns).iterator(chunk_size=2000)
    for pk, journey_id, stage, submitted_at, requested in rows:
        dossier = cohort.dossiers[journey_id]
        dossier.application_id, dossier.application_stage = pk, stage
        dossier.requested = requested
        cohort.by_application[pk] = dossier
        dossier.reach(2, None)  # an application is opened at the end of the support
        if submitted_at is not None:
            dossier.reach(APPLIED, submitted_at)
        dossier.reach(APPLICATION_STEP.get(stage), None)


def _read_history(cohort: Cohort) -> None:
    journey_rows = StageChange.objects.filter(journey__in=cohort.journeys.values("pk"))
    for journey_id, stage, at in (
        journey_rows.order_by().values_list("journey_id", "stage", "at").iterator(chunk_size=5000)
    ):
        _enter(cohort.dossiers[journey_id], f"j:{stage}", JOURNEY_STEP.get(stage), at)
    application_rows = StageChange.objects.filter(application__in=cohort.applications.values("pk"))
    for application_id, stage, at in (
        application_rows.order_by()
        .values_list("application_id", "stage", "at")
        .iterator(chunk_size=5000)
    ):
        dossier = cohort.by_application[application_id]
        _enter(dossier, f"a:{stage}", APPLICATION_STEP.get(stage), at)


def _enter(dossier: Dossier, key: str, step: int | None, at: datetime.datetime) -> None:
    known = dossier.entered.get(key)
    if known is None or at < known:
        dossier.entered[key] = at
    dossier.reach(step, at)

"""``seed_dossiers(count=N)``: N generated dossiers for the data-out benchmarks (P9).

Where ``demo.scale`` copies dossiers the engine wrote (every task, grant and notification,
so the engine's pages can be measured), this writes only the business rows the indicators,
exports, API and open data read, in batches, with no service, signal or viewflow task:
100 000 dossiers in minutes. Their contents vary as the aggregates need: persons with and
without the self-declared gender and age band, projects across the MEL's communes with
their QPV finding, journeys at every stage, applications with amounts and dates spread over
four years, deliberations, funding lines (the programme grant and co-financers), conventions,
tranches and follow-up reports (``demo/bulk/plan.py`` draws each dossier's fate and dates),
the grants the services would give support organisations and financiers on them, and the
history of stages the indicators read (``history.py``).

Deterministic for a given ``seed`` and day. Needs the reference data (``load_territory``,
``load_programme_rules``); uses the organisations present (the demo's) and creates what is
missing. The engine cannot carry these dossiers on (they have no tasks): they are history.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User

from . import reference
from .dossiers import applications, journeys
from .grants import grants
from .history import stage_history
from .money import money
from .people import people
from .plan import HISTORY_DAYS, draw

BATCH = 2000


@dataclass
class BulkReport:
    dossiers: int = 0
    applications: int = 0
    stage_changes: int = 0
    seconds: float = 0.0
    stages: dict[str, int] = field(default_factory=dict)


def seed_dossiers(
    *, count: int, seed: int = 2026, batch: int = BATCH, progress: object = None
) -> BulkReport:
    """Add ``count`` dossiers; ``progress(done, count)`` is called after each batch."""
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    ref = reference.load(history_days=HISTORY_DAYS)
    now = timezone.now()
    sessions = [starts_at for _, starts_at in ref.sessions]
    mark = f"d{User.objects.order_by('-pk').values_list('pk', flat=True).first() or 0}"
    report = BulkReport()
    for start in range(0, count, batch):
        plans = [draw(rng, now, sessions) for _ in range(min(batch, count - start))]
        with transaction.atomic():
            persons, projects = people(plans, ref, rng, f"{mark}-{start}")
            rows = journeys(plans, persons, projects, ref, rng)
            pairs = applications(plans, rows, ref, rng)
            lines = money(pairs, ref)
            grants(projects, rows, [a for _, a in pairs], lines)
        report.dossiers += len(plans)
        report.applications += len(pairs)
        for plan in plans:
            key = plan.app_stage or plan.journey_stage
            report.stages[key] = report.stages.get(key, 0) + 1
        if callable(progress):
            progress(report.dossiers, count)
    with transaction.atomic():
        report.stage_changes = stage_history()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report.seconds = time.monotonic() - started
    return report

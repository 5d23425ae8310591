"""The history of stages of the generated dossiers: ``bulk_create`` sends no signal, so the
receivers of ``workflows.stage_history`` never saw these stages change. They are rebuilt from
the dated records the way the migration that introduced the history rebuilt the dossiers of
that time (``workflows/migrations/0016``): one definition of how records date stages, so the
indicators read the same kind of history on generated and on backfilled dossiers."""

from __future__ import annotations

import importlib

from django.apps import apps

from workflows.models import StageChange

# A migration module's name starts with a digit: imported by name, its functions used as they are.
_records = importlib.import_module("workflows.migrations.0016_stage_history_backfill")


def stage_history() -> int:
    """Rows for the dossiers that have none yet (the demo's own kept theirs); the count."""
    dated_journeys = set(
        StageChange.objects.filter(journey__isnull=False).values_list("journey_id", flat=True)
    )
    dated_applications = set(
        StageChange.objects.filter(application__isnull=False).values_list(
            "application_id", flat=True
        )
    )
    changes = [
        StageChange(journey_id=pk, stage=stage, at=at, backfilled=True)
        for pk, stage, at in _records._journey_rows(apps)
        if pk not in dated_journeys
    ] + [
        StageChange(application_id=pk, stage=stage, at=at, backfilled=True)
        for pk, stage, at in _records._application_rows(apps)
        if pk not in dated_applications
    ]
    StageChange.objects.bulk_create(changes, batch_size=2000)
    return len(changes)

"""Celery tasks of the privacy app: thin (``privacy.retention.run`` does the work)."""

from __future__ import annotations

from celery import shared_task

from privacy.retention.run import RetentionRunBusy, retention_run


@shared_task(soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300)
def run_retention() -> int:
    """Every night: delete or anonymise what the retention rules say is due."""
    try:
        run = retention_run()
    except RetentionRunBusy:
        return 0  # last night's run is still going: it will finish the work
    return run.pk

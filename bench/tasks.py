"""Tasks the benchmark's own worker loads besides the project's (``--include bench.tasks``)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def noop() -> None:
    """Does nothing: what the broker and the worker cost for one task (P8)."""
    return None

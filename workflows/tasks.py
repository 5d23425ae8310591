"""Celery tasks of the flows: thin. Beat runs ``fire_workflow_timers`` every minute (one beat
only), which drives every deadline, reminder and escalation of the flows."""

from __future__ import annotations

from celery import shared_task
from viewflow.workflow.timers import fire_due_conditions, fire_due_start_timers, fire_due_timers


@shared_task
def fire_workflow_timers() -> int:
    """Fire due timers (each under its flow's lock, so an overlapping run skips them)."""
    fired = fire_due_timers()
    fire_due_start_timers()
    fire_due_conditions()
    return int(fired or 0)

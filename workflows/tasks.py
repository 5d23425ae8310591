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


@shared_task
def send_first_contact_confirmation(*, pk: int) -> bool:
    """E-mail the link that confirms a public first contact (asked for after its commit)."""
    from workflows.journey.confirmation import confirmation_send

    return confirmation_send(pk=pk)


@shared_task
def relay_first_contact_confirmations() -> int:
    """Send the links whose request was lost with the broker, or whose try failed (beat)."""
    from workflows.journey.confirmation import confirmations_relay

    return confirmations_relay()

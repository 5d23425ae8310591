"""Celery tasks: thin wrappers around ``notifications.delivery``.

At-least-once: late acks and reject-on-worker-lost (settings) put a task back on the queue
if its worker dies; each row is sent under its own lock, so a redelivered task sends
nothing twice. Failures are recorded on each row and retried by the relay with a growing
delay, so an outage never piles up retrying tasks.
"""

from __future__ import annotations

import logging

from celery import shared_task

from . import delivery

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=240, time_limit=300)
def deliver_batch(
    *, key_prefix: str = "", ids: list[int] | None = None, recipients: list[int] | None = None
) -> int:
    """Send one batch; what is left of it (rows beyond the batch) continues in a new task."""
    span = (recipients[0], recipients[1]) if recipients else None
    sent, remaining = delivery.deliver_pending(key_prefix=key_prefix, ids=ids, recipients=span)
    if remaining:
        deliver_batch.apply_async(
            kwargs={"key_prefix": key_prefix, "ids": ids, "recipients": recipients}, retry=False
        )
    return sent


@shared_task
def relay_outbox() -> int:
    """Hand rows whose delivery request was lost, or whose retry is due, back to the workers
    (run by beat every minute). A batch that cannot be queued is made due again at once."""
    ids = delivery.pending_for_relay()
    for start in range(0, len(ids), delivery.BATCH):
        chunk = ids[start : start + delivery.BATCH]
        try:
            deliver_batch.apply_async(kwargs={"ids": chunk}, retry=False)
        except Exception:
            logger.warning("Relay could not queue %s notifications", len(chunk), exc_info=True)
            delivery.release_lease(chunk)
    return len(ids)


@shared_task
def send_digests() -> int:
    return delivery.send_digests()

"""Celery tasks: thin wrappers around ``notifications.delivery``.

At-least-once: late acks and reject-on-worker-lost (settings) put a task back on the queue
if its worker dies; each row is sent under its own lock, so a redelivered task sends
nothing twice. SMTP errors are retried with exponential backoff.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from . import delivery

logger = logging.getLogger(__name__)

RETRYABLE = (smtplib.SMTPException, OSError)


@shared_task(
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def deliver_batch(*, key_prefix: str = "", ids: list[int] | None = None) -> int:
    return delivery.deliver_pending(key_prefix=key_prefix, ids=ids)


@shared_task
def relay_outbox() -> int:
    """Hand rows whose delivery request was lost back to the workers (run by beat)."""
    ids = delivery.pending_for_relay()
    for start in range(0, len(ids), 50):
        deliver_batch.apply_async(kwargs={"ids": ids[start : start + 50]}, retry=False)
    return len(ids)


@shared_task
def send_digests() -> int:
    return delivery.send_digests()

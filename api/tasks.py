"""Celery tasks: thin wrappers around ``api.delivery``."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from api import delivery

logger = logging.getLogger(__name__)

BATCH = 20


@shared_task(soft_time_limit=240, time_limit=300)
def deliver_webhooks(*, ids: list[int]) -> int:
    """Post a batch; one delivery that breaks does not stop the others, and at the soft
    time limit the rest is left to the relay (their leases were never taken)."""
    delivered = 0
    for pk in ids:
        try:
            delivered += delivery.deliver_one(pk)
        except SoftTimeLimitExceeded:
            logger.warning("Webhook batch cut at its time limit; the relay sends the rest")
            break
        except Exception:
            logger.exception("Webhook %s could not be processed; the relay tries again", pk)
    return delivered


@shared_task
def relay_webhooks() -> int:
    """Hand due deliveries to workers (beat, every minute); a batch that cannot be queued
    waits for the next round."""
    ids = delivery.due_for_relay()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        try:
            deliver_webhooks.apply_async(kwargs={"ids": chunk}, retry=False)
        except Exception:
            logger.warning("Relay could not queue %s webhooks", len(chunk), exc_info=True)
    return len(ids)

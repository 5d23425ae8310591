"""Celery tasks: thin wrappers around ``api.delivery``."""

from __future__ import annotations

import logging

from celery import shared_task

from api import delivery

logger = logging.getLogger(__name__)

BATCH = 20


@shared_task(soft_time_limit=240, time_limit=300)
def deliver_webhooks(*, ids: list[int]) -> int:
    return sum(delivery.deliver_one(pk) for pk in ids)


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

"""The embedded scheduler: without a broker (the SQLite demo), the run command fires the
flows' due timers and relays the outbox from a background thread of the same process, at
the beat's intervals, and sends the daily digests once a day. With a broker, Celery beat
does this instead (one beat only)."""

from __future__ import annotations

import datetime
import logging
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def tick(*, last_digest: datetime.date | None) -> datetime.date | None:
    """One round: due timers, the outbox relay (and the first contacts' links), and the digests when their hour has come.
    Returns the day the digests were last sent."""
    from notifications.tasks import relay_outbox, send_digests
    from workflows.tasks import fire_workflow_timers, relay_first_contact_confirmations

    # Each step on its own: a broken timer must not hold back the mail, nor the reverse.
    _guarded(fire_workflow_timers)
    _guarded(relay_outbox)
    _guarded(relay_first_contact_confirmations)
    now = timezone.localtime()
    if now.hour >= settings.NOTIFICATIONS_DIGEST_HOUR and last_digest != now.date():
        _guarded(send_digests)
        last_digest = now.date()
    return last_digest


def _guarded(step: Any) -> None:
    try:
        step()
    except Exception:  # logged; the next round tries again
        logger.exception("Embedded scheduler step %s failed", getattr(step, "name", step))


def start_embedded_scheduler() -> threading.Thread | None:
    """Start the background thread when no broker is configured; ``None`` otherwise."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    interval = settings.CELERY_BEAT_SCHEDULE["workflow-timers"]["schedule"]

    def loop() -> None:
        last_digest: datetime.date | None = None
        stop = threading.Event()
        while not stop.wait(interval):
            close_old_connections()  # this thread's own connection, like a request's
            last_digest = tick(last_digest=last_digest)
            close_old_connections()

    thread = threading.Thread(target=loop, name="embedded-scheduler", daemon=True)
    thread.start()
    return thread

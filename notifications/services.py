"""Writing to the outbox and reading it back: typed, keyword-only, never given a request.

``notify`` writes one row per recipient **in the caller's transaction** and asks for
delivery only after that transaction commits: a rolled-back change sends nothing, and a
broker that is down delays mail without turning the user's request into an error (the relay
picks the rows up later).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone

from .catalogue import CATALOGUE, Event
from .delivery import BATCH
from .models import DeliveryMode, MailState, Notification, Preference

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """What to tell: the event, what its templates show, where to click, which dossier,
    and which occurrence (so the same event on the same dossier can happen again)."""

    event: Event
    link: str
    dossier_ref: str
    occurrence: str
    context: dict[str, Any] = field(default_factory=dict)

    def key_prefix(self) -> str:
        return f"{self.event}:{self.dossier_ref}:{self.occurrence}:"


def render(message: Message) -> tuple[str, str]:
    """Subject and plain-text body, rendered once whatever the number of recipients."""
    context = {**message.context, "link": message.link}
    # Plain text, not HTML: "L'épicerie & Cie" must stay as typed in the subject.
    subject = Template(CATALOGUE[message.event].subject).render(Context(context, autoescape=False))
    body = render_to_string(f"notifications/events/{message.event}.txt", context)
    return " ".join(subject.split())[:200], body.strip()


def notify(*, message: Message, recipient_ids: Iterable[int]) -> int:
    """Write the notification of each recipient; delivery is requested after commit.
    Costs the same number of queries for one recipient or five hundred."""
    ids = sorted(set(recipient_ids))
    if not ids:
        return 0
    subject, body = render(message)
    digest_ids = set(
        Preference.objects.filter(user_id__in=ids, mode=DeliveryMode.DIGEST).values_list(
            "user_id", flat=True
        )
    )
    needs_action = CATALOGUE[message.event].needs_action
    prefix = message.key_prefix()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                event=message.event,
                subject=subject,
                body=body,
                link=message.link,
                dossier_ref=message.dossier_ref,
                key=f"{prefix}{user_id}",
                mail_state=MailState.DIGEST
                if user_id in digest_ids and not needs_action
                else MailState.PENDING,
            )
            for user_id in ids
        ],
        ignore_conflicts=True,  # the same occurrence told twice is written once
    )
    # One delivery request per batch of recipients, so that every worker process takes a
    # share of a large fan-out instead of one process sending it batch after batch.
    spans = [(ids[i], ids[min(i + BATCH, len(ids)) - 1]) for i in range(0, len(ids), BATCH)]
    transaction.on_commit(lambda: _request_deliveries(prefix, spans))
    return len(ids)


def _request_deliveries(key_prefix: str, spans: list[tuple[int, int]]) -> None:
    for span in spans:
        if not request_delivery(key_prefix=key_prefix, recipients=span):
            return  # the broker is down: one wait is enough, the relay sends the rest


def request_delivery(
    *,
    key_prefix: str = "",
    ids: list[int] | None = None,
    recipients: tuple[int, int] | None = None,
) -> bool:
    """Hand the rows to a worker (those of ``key_prefix`` whose recipient's id lies in
    ``recipients``, or the rows ``ids``); if the broker is unreachable, the relay will do it.
    Returns whether the request reached the broker."""
    from .tasks import deliver_batch

    kwargs: dict[str, Any] = {"key_prefix": key_prefix, "ids": ids}
    if recipients is not None:
        kwargs["recipients"] = list(recipients)
    try:
        deliver_batch.apply_async(kwargs=kwargs, retry=False)
    except Exception:  # the broker or the mail server is down: never fail the request
        logger.warning("Delivery of %s deferred to the relay", key_prefix, exc_info=True)
        return False
    return True


def notification_resend(*, notification: Notification) -> Notification:
    """Send a copy of a notification again (staff, from the dossier page). Each click is its
    own copy (a unique key), so two clicks at once never collide."""
    copy = Notification.objects.create(
        recipient_id=notification.recipient_id,
        event=notification.event,
        subject=notification.subject,
        body=notification.body,
        link=notification.link,
        dossier_ref=notification.dossier_ref,
        key=f"resend:{notification.pk}:{uuid.uuid4().hex}",
    )
    key = copy.key
    transaction.on_commit(lambda: request_delivery(key_prefix=key))
    return copy


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_set(*, user_id: int, mode: str) -> Preference:
    """Choose immediate e-mails or the daily digest; going back to immediate sends what was
    waiting for the digest now."""
    preference, _ = Preference.objects.update_or_create(user_id=user_id, defaults={"mode": mode})
    if mode == DeliveryMode.IMMEDIATE:
        waiting = Notification.objects.filter(recipient_id=user_id, mail_state=MailState.DIGEST)
        ids = list(waiting.values_list("pk", flat=True))
        if ids:
            waiting.update(mail_state=MailState.PENDING)
            transaction.on_commit(lambda: request_delivery(ids=ids))
    return preference


def notifications_mark_read_for_dossier(*, user_id: int, dossier_ref: str) -> int:
    """Opening a dossier reads what one was told about it (one query)."""
    return Notification.objects.filter(
        recipient_id=user_id, dossier_ref=dossier_ref, read_at__isnull=True
    ).update(read_at=timezone.now())


User = get_user_model()

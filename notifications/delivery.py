"""Delivering the outbox: one e-mail per row, at most once per row as far as this side can
tell, and never lost.

A row is sent while it is locked (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL) and
marked sent in the same transaction: two workers, a redelivered task and the relay never
send the same row twice. A worker killed after the mail server accepted a message but
before the commit leaves the row pending, and it is sent again: the Message-ID is the same
on every attempt so the receiving server can drop the copy (the only window left, measured
by the fault tests).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from .models import DeliveryMode, MailState, Notification, Preference

logger = logging.getLogger(__name__)

BATCH = 200


def absolute(link: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{link}" if link.startswith("/") else link


def _email(row: Notification) -> EmailMultiAlternatives:
    context = {"notification": row, "url": absolute(row.link), "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=render_to_string("notifications/email.txt", context),
        to=[row.recipient.email],
        headers={"Message-ID": row.message_id},
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def _to_send() -> QuerySet[Notification]:
    return Notification.objects.select_for_update(skip_locked=True, of=("self",)).select_related(
        "recipient"
    )


def deliver_one(pk: int) -> bool:
    """Send one pending row; ``False`` when another worker has it or it is already sent."""
    try:
        with transaction.atomic():
            row = _to_send().filter(pk=pk, mail_state=MailState.PENDING).first()
            if row is None:
                return False
            if not row.recipient.is_active or not row.recipient.email:
                row.mail_state, row.last_error = MailState.FAILED, "Destinataire inactif."
                row.save(update_fields=["mail_state", "last_error"])
                return False
            _email(row).send()
            row.mail_state, row.mail_sent_at = MailState.SENT, timezone.now()
            row.mail_attempts += 1
            row.save(update_fields=["mail_state", "mail_sent_at", "mail_attempts"])
            return True
    except Exception as error:
        _record_failure(pk, error)
        raise


def _record_failure(pk: int, error: Exception) -> None:
    row = Notification.objects.filter(pk=pk).first()
    if row is None:
        return
    row.mail_attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:300]
    if row.mail_attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        row.mail_state = MailState.FAILED
    row.save(update_fields=["mail_attempts", "last_error", "mail_state"])


def deliver_pending(*, key_prefix: str = "", ids: list[int] | None = None) -> int:
    """Send the pending rows of one event (``key_prefix``) or the given ``ids``."""
    rows = Notification.objects.filter(mail_state=MailState.PENDING)
    rows = rows.filter(pk__in=ids) if ids is not None else rows.filter(key__startswith=key_prefix)
    sent = 0
    for pk in list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        sent += deliver_one(pk)
    return sent


def pending_for_relay(*, limit: int = 1000) -> list[int]:
    """Rows still pending a while after they were written (their delivery request was lost
    with a broker outage or a worker crash), oldest first."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATIONS_RELAY_AFTER_SECONDS)
    with transaction.atomic():
        return list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(mail_state=MailState.PENDING, created_at__lte=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )


def send_digests() -> int:
    """One e-mail per person who chose the daily digest, listing what they were told."""
    sent = 0
    users = Preference.objects.filter(mode=DeliveryMode.DIGEST).values_list("user_id", flat=True)
    for user_id in list(users):
        sent += _digest_for(user_id)
    return sent


def _digest_for(user_id: int) -> int:
    with transaction.atomic():
        rows = list(
            _to_send().filter(recipient_id=user_id, mail_state=MailState.DIGEST).order_by("pk")
        )
        if not rows:
            return 0
        recipient = rows[0].recipient
        context: dict[str, Any] = {
            "rows": [(row, absolute(row.link)) for row in rows],
            "site_url": settings.SITE_URL,
        }
        message = EmailMultiAlternatives(
            subject=f"Votre récapitulatif : {len(rows)} nouveauté(s)",
            body=render_to_string("notifications/digest.txt", context),
            to=[recipient.email],
            headers={
                "Message-ID": f"<digest-{user_id}-{rows[-1].pk}@{settings.NOTIFICATIONS_MAIL_DOMAIN}>"
            },
        )
        message.send()
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            mail_state=MailState.SENT, mail_sent_at=timezone.now()
        )
        Preference.objects.filter(user_id=user_id).update(digest_sent_at=timezone.now())
        return 1

"""Delivering the outbox: one e-mail per row, at most once per row as far as this side can
tell, and never lost.

A row is sent while it is locked (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL) and
marked sent in the same transaction: two workers, a redelivered task and the relay never
send the same row twice. A worker killed after the mail server accepted a message but
before the commit leaves the row pending, and it is sent again: the Message-ID is the same
on every attempt so the receiving server can drop the copy (the only window left, measured
by the fault tests).

A transient failure (server down, timeout, 4xx) keeps the row pending with a growing delay
before the relay tries again; only a permanent refusal (5xx, unknown recipient), an inactive
recipient or ``NOTIFICATIONS_MAX_ATTEMPTS`` tries mark it failed — staff can resend it.
"""

from __future__ import annotations

import datetime
import functools
import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.header import Header
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from .models import MailState, Notification

logger = logging.getLogger(__name__)

BATCH = 50  # rows per task: one SMTP connection, well inside the task's time limit
BACKOFF_SECONDS = 30  # 30 s, 1 min, 2 min … capped at an hour
BACKOFF_CAP_SECONDS = 3600


def absolute(link: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{link}" if link.startswith("/") else link


def is_permanent(error: Exception) -> bool:
    """The mail server refused for good (5xx), or the address is refused."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


@functools.lru_cache(maxsize=256)
def encoded_subject(subject: str) -> str:
    """The subject as RFC 2047 encoded words on one line, worked out once per subject: the
    rows of one decision share it, and encoding accented French costs more than the rest
    of the message. Django then only folds it (it re-encodes nothing already ASCII)."""
    if subject.isascii():
        return subject
    return Header(subject, "utf-8").encode().replace("\n ", " ")


class _Email(EmailMultiAlternatives):
    def message(self) -> Any:
        subject = self.subject
        self.subject = encoded_subject(subject)
        try:
            return super().message()
        finally:
            self.subject = subject


def _email(row: Notification, connection: Any) -> EmailMultiAlternatives:
    context = {"notification": row, "url": absolute(row.link), "site_url": settings.SITE_URL}
    message = _Email(
        subject=row.subject,
        body=render_to_string("notifications/email.txt", context),
        to=[row.recipient.email],
        headers={"Message-ID": row.message_id},
        connection=connection,
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def _locked() -> QuerySet[Notification]:
    return Notification.objects.select_for_update(skip_locked=True, of=("self",)).select_related(
        "recipient"
    )


def _unreachable(row: Notification) -> bool:
    return not row.recipient.is_active or not row.recipient.email


@contextmanager
def smtp_connection() -> Iterator[Any]:
    """One connection for a whole batch, opened lazily by the first message."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()  # one session for the batch: send() then leaves it open
    except Exception:  # server down: each message tries on its own and records its failure
        logger.warning("SMTP connection failed", exc_info=True)
    try:
        yield connection
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide the real outcome
            logger.debug("SMTP connection close failed", exc_info=True)


def deliver_one(pk: int, *, connection: Any = None) -> bool:
    """Send one pending row; ``False`` when another worker has it, it is not due, or it is
    already sent. Failures are recorded on the row, never raised."""
    row = Notification.objects.select_related("recipient").filter(pk=pk).first()
    return row is not None and _deliver(row, connection)


def _deliver(row: Notification, connection: Any) -> bool:
    """Send ``row`` (read beforehand with its recipient) while holding its lock, and mark
    it sent in the same transaction; skipped when another worker holds it or it is no
    longer pending. Two statements besides the send: the lock, the update."""
    try:
        with transaction.atomic():
            pending = Notification.objects.filter(pk=row.pk, mail_state=MailState.PENDING)
            if not pending.select_for_update(skip_locked=True).values_list("pk", flat=True):
                return False
            if _unreachable(row):
                pending.update(
                    mail_state=MailState.FAILED, last_error="Destinataire inactif ou sans adresse."
                )
                return False
            if not _email(row, connection).send():
                raise smtplib.SMTPRecipientsRefused({row.recipient.email: (550, b"refused")})
            pending.update(
                mail_state=MailState.SENT,
                mail_sent_at=timezone.now(),
                mail_attempts=F("mail_attempts") + 1,
                next_attempt_at=None,
            )
            return True
    except Exception as error:  # recorded and retried later by the relay; never lost
        _record_failure(row.pk, error)
        logger.warning("Notification %s not sent: %s", row.pk, error)
        return False


def _record_failure(pk: int, error: Exception) -> None:
    row = Notification.objects.filter(pk=pk, mail_state=MailState.PENDING).first()
    if row is None:
        return
    row.mail_attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:300]
    if is_permanent(error) or row.mail_attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        row.mail_state = MailState.FAILED
    else:
        delay = min(BACKOFF_SECONDS * 2 ** (row.mail_attempts - 1), BACKOFF_CAP_SECONDS)
        row.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delay)
    row.save(update_fields=["mail_attempts", "last_error", "mail_state", "next_attempt_at"])


def deliver_pending(
    *,
    key_prefix: str = "",
    ids: list[int] | None = None,
    recipients: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """Send up to ``BATCH`` rows of one event (``key_prefix``, for the recipients whose id
    lies within ``recipients`` when given) or the given ``ids``, over one connection.
    Returns (sent, still to send for this request)."""
    rows = Notification.objects.filter(mail_state=MailState.PENDING)
    if ids is not None:  # handed over by the relay, which leased them
        rows = rows.filter(pk__in=ids)
    else:  # right after the change: rows not yet failed once (those wait for the relay)
        rows = rows.filter(key__startswith=key_prefix, next_attempt_at__isnull=True)
        if recipients is not None:
            rows = rows.filter(recipient_id__gte=recipients[0], recipient_id__lte=recipients[1])
    # The batch read at once; each row is then locked, sent and marked on its own.
    todo = list(rows.select_related("recipient").order_by("pk")[: BATCH + 1])
    sent = 0
    with smtp_connection() as connection:
        for row in todo[:BATCH]:
            sent += _deliver(row, connection)
    return sent, max(len(todo) - BATCH, 0)


def pending_for_relay(*, limit: int = 1000) -> list[int]:
    """Rows still pending a while after they were written (their delivery request was lost
    with a broker outage or a worker crash) or whose retry delay has passed, oldest first.
    Each is leased for the relay interval, so the next round does not queue it again while
    it is in flight."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_RELAY_AFTER_SECONDS)
    due = Q(next_attempt_at__isnull=True, created_at__lte=cutoff) | Q(next_attempt_at__lte=now)
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(due, mail_state=MailState.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        lease = now + datetime.timedelta(seconds=settings.NOTIFICATIONS_RELAY_AFTER_SECONDS)
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=lease)
    return ids


def release_lease(ids: list[int]) -> None:
    """The relay could not hand these rows to a worker: make them due again at once."""
    Notification.objects.filter(pk__in=ids, mail_state=MailState.PENDING).update(
        next_attempt_at=timezone.now()
    )


def digest_recipients() -> list[int]:
    """Everyone with rows waiting for a digest (whatever their preference is now)."""
    return list(
        Notification.objects.filter(mail_state=MailState.DIGEST)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def send_digest(user_id: int) -> int:
    """One e-mail listing what ``user_id`` was told since the last digest (0 or 1 sent)."""
    with transaction.atomic():
        rows = list(
            _locked().filter(recipient_id=user_id, mail_state=MailState.DIGEST).order_by("pk")
        )
        if not rows:
            return 0
        recipient = rows[0].recipient
        ids = [row.pk for row in rows]
        if not recipient.is_active or not recipient.email:
            Notification.objects.filter(pk__in=ids).update(
                mail_state=MailState.FAILED, last_error="Destinataire inactif ou sans adresse."
            )
            return 0
        context: dict[str, Any] = {
            "rows": [(row, absolute(row.link)) for row in rows],
            "site_url": settings.SITE_URL,
        }
        domain = settings.NOTIFICATIONS_MAIL_DOMAIN
        message = EmailMultiAlternatives(
            subject=f"Votre récapitulatif : {len(rows)} nouveauté(s)",
            body=render_to_string("notifications/digest.txt", context),
            to=[recipient.email],
            headers={"Message-ID": f"<digest-{user_id}-{rows[-1].pk}@{domain}>"},
        )
        if not message.send():
            raise smtplib.SMTPRecipientsRefused({recipient.email: (550, b"refused")})
        Notification.objects.filter(pk__in=ids).update(
            mail_state=MailState.SENT, mail_sent_at=timezone.now()
        )
        return 1


def send_digests() -> int:
    """Each digest on its own: one refused address never holds back the others."""
    sent = 0
    for user_id in digest_recipients():
        try:
            sent += send_digest(user_id)
        except Exception as error:
            logger.warning("Digest for user %s not sent: %s", user_id, error)
            Notification.objects.filter(recipient_id=user_id, mail_state=MailState.DIGEST).update(
                last_error=f"{type(error).__name__}: {error}"[:300]
            )
    return sent

"""The e-mail that asks the author of a public first contact to prove the address typed.

Sent like the outbox (``notifications``): asked for after the contact is committed, sent
under the row's lock and marked sent in the same transaction, and sent again by the relay
(``workflows.tasks.relay_first_contact_confirmations``) when the broker or the mail server
was down. The same path serves a known and an unknown address, so the page that answers
the form cannot tell them apart; only the e-mail — read by the address's owner alone — says
whether an account already exists.

The link's token is an HMAC of the row's random ``nonce`` with the site's secret key: the
relay can write the same link again, and the database alone (which keeps only the token's
SHA-256 hash) cannot produce a valid link.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from applicants.selectors.people import person_known
from notifications.delivery import (
    BACKOFF_CAP_SECONDS,
    BACKOFF_SECONDS,
    absolute,
    smtp_connection,
)
from workflows.models import PendingFirstContact

logger = logging.getLogger(__name__)

_SALT = "workflows.journey.first_contact_confirmation"
SUBJECT = "Confirmez votre adresse pour présenter votre projet à la MEL"


def confirmation_token(nonce: str) -> str:
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirmation_link(pending: PendingFirstContact) -> str:
    token = confirmation_token(pending.nonce)
    return absolute(reverse("workflows:first_contact_confirm", args=[token]))


def _to_send() -> QuerySet[PendingFirstContact]:
    return PendingFirstContact.objects.filter(
        mail_sent_at__isnull=True, confirmed_at__isnull=True, expires_at__gt=timezone.now()
    )


def confirmation_send(*, pk: int, connection: object = None) -> bool:
    """Send the link of one pending contact, once; ``False`` when another worker has it,
    it is already sent, confirmed or expired, or the send failed (recorded, retried by the
    relay)."""
    try:
        with transaction.atomic():
            row = _to_send().select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                return False
            if not _message(row, connection).send():
                raise OSError("message refused")
            PendingFirstContact.objects.filter(pk=pk).update(
                mail_sent_at=timezone.now(),
                mail_attempts=F("mail_attempts") + 1,
                last_attempt_at=timezone.now(),
            )
            return True
    except Exception as error:  # kept for the relay; never lost, never raised to a page
        PendingFirstContact.objects.filter(pk=pk).update(
            mail_attempts=F("mail_attempts") + 1, last_attempt_at=timezone.now()
        )
        logger.warning("First-contact confirmation %s not sent: %s", pk, error)
        return False


def _message(row: PendingFirstContact, connection: object) -> EmailMultiAlternatives:
    context = {
        "link": confirmation_link(row),
        "expires_at": timezone.localtime(row.expires_at),
        "title": row.data.get("title", ""),
        "known": person_known(email=row.email),
        "triage_days": settings.TRIAGE_SLA_WORKING_DAYS,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=SUBJECT,
        body=render_to_string("workflows/emails/first_contact_confirm.txt", context),
        to=[row.email],
        headers={"Message-ID": f"<first-contact-{row.pk}@{settings.NOTIFICATIONS_MAIL_DOMAIN}>"},
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("workflows/emails/first_contact_confirm.html", context), "text/html"
    )
    return message


def confirmations_due(*, now: datetime.datetime | None = None, limit: int = 200) -> list[int]:
    """Links still unsent a while after their contact was received (the request was lost
    with the broker) or whose previous try failed long enough ago, oldest first."""
    now = now or timezone.now()
    wait = datetime.timedelta(seconds=settings.NOTIFICATIONS_RELAY_AFTER_SECONDS)
    rows = _to_send().filter(
        created_at__lte=now - wait, mail_attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS
    )
    due = []
    for pk, attempts, last in rows.values_list("pk", "mail_attempts", "last_attempt_at")[:limit]:
        delay = min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
        if last is None or last <= now - datetime.timedelta(seconds=delay):
            due.append(pk)
    return due


def confirmations_relay() -> int:
    """Send what is due (run by beat with the outbox relay), over one connection."""
    sent = 0
    with smtp_connection() as connection:
        for pk in confirmations_due():
            sent += confirmation_send(pk=pk, connection=connection)
    return sent

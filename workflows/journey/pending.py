"""A public first contact waits, linked to no account, until its author proves the address.

``first_contact_hold`` keeps what an anonymous visitor typed and e-mails a link to the
address (``workflows.journey.confirmation``); ``first_contact_confirm``, when the link is
followed, does what the form used to do at once (``first_contact_submit``: a new account,
or the project attached to the existing one, or the message added to the journey under
way). Until then nothing is written into any account, whoever owns the address.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Mapping
from enum import Enum
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from applicants.models import Commune
from workflows.journey.confirmation import confirmation_token, token_hash
from workflows.journey.contact import FirstContact, FirstContactResult
from workflows.journey.flows import first_contact_submit
from workflows.models import PendingFirstContact

logger = logging.getLogger(__name__)

# Links waiting at once for one address (each sent contact sends one).
WAITING_PER_ADDRESS = 3

# What is kept of the form, besides the e-mail (the commune as its id).
TEXT_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "title",
    "summary",
    "sector",
    "stage",
    "needs",
    "address",
    "postal_code",
    "structure_name",
    "siret",
    "gender",
    "age_band",
)


class LinkState(Enum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    UNKNOWN = "unknown"


def first_contact_answers(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The form's cleaned data as JSON (what ``PendingFirstContact.data`` keeps)."""
    answers: dict[str, Any] = {name: str(cleaned.get(name) or "") for name in TEXT_FIELDS}
    answers["commune_id"] = cleaned["commune"].pk
    answers["notice_version"] = settings.PRIVACY_NOTICE_VERSION  # the one shown with the form
    return answers


def first_contact_of(*, email: str, answers: Mapping[str, Any]) -> FirstContact:
    """The contact that ``first_contact_submit`` receives, from the kept answers."""
    commune = Commune.objects.filter(pk=answers.get("commune_id")).first()
    if commune is None:
        raise ApplicationError(
            "La commune indiquée n'est plus proposée : remplissez à nouveau le formulaire."
        )
    fields = {name: answers.get(name, "") for name in TEXT_FIELDS}
    del fields["gender"], fields["age_band"]
    notice_version = str(answers.get("notice_version", ""))
    return FirstContact(email=email, commune=commune, notice_version=notice_version, **fields)


def first_contact_hold(*, email: str, answers: Mapping[str, Any]) -> PendingFirstContact:
    """Keep an anonymous first contact apart and, after commit, e-mail the address a link
    valid ``FIRST_CONTACT_CONFIRMATION_HOURS``. The same for a known and an unknown address:
    no account is looked up here.

    An address that already has ``WAITING_PER_ADDRESS`` links waiting gets no more (the
    form must not serve to flood someone's mailbox): the contact is then not kept, and the
    answer is the same — the returned row is unsaved."""
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=settings.FIRST_CONTACT_CONFIRMATION_HOURS)
    waiting = PendingFirstContact.objects.filter(
        email__iexact=email, confirmed_at__isnull=True, expires_at__gt=now
    )
    if waiting.count() >= WAITING_PER_ADDRESS:
        return PendingFirstContact(email=email, created_at=now, expires_at=expires_at)
    nonce = secrets.token_hex(16)
    pending = PendingFirstContact.objects.create(
        email=email,
        data=dict(answers),
        nonce=nonce,
        token_hash=token_hash(confirmation_token(nonce)),
        created_at=now,
        expires_at=expires_at,
    )
    transaction.on_commit(partial(confirmation_request_send, pk=pending.pk))
    return pending


def confirmation_request_send(*, pk: int) -> bool:
    """Hand the e-mail to a worker; when the broker is unreachable the relay sends it.
    Returns whether the request reached the broker."""
    from workflows.tasks import send_first_contact_confirmation

    try:
        send_first_contact_confirmation.apply_async(kwargs={"pk": pk}, retry=False)
    except Exception:  # the broker or the mail server is down: never fail the request
        logger.warning("Confirmation %s deferred to the relay", pk, exc_info=True)
        return False
    return True


def pending_first_contact_find(*, token: str) -> PendingFirstContact | None:
    if not token or len(token) > 128:
        return None
    return PendingFirstContact.objects.filter(token_hash=token_hash(token)).first()


def link_state(pending: PendingFirstContact | None) -> LinkState:
    if pending is None:
        return LinkState.UNKNOWN
    if pending.confirmed_at is not None:
        return LinkState.USED
    if pending.is_expired():
        return LinkState.EXPIRED
    return LinkState.VALID


class LinkRefused(ApplicationError):
    """The link was already followed, or has expired (``state`` says which)."""

    def __init__(self, state: LinkState) -> None:
        super().__init__("Ce lien ne peut plus servir.")
        self.state = state


@transaction.atomic
def first_contact_confirm(*, pending: PendingFirstContact) -> FirstContactResult:
    """The author followed the link: record the contact as the form did before — and only
    once. The row is claimed by one conditional update (the second of two clicks, even at
    the same instant, finds it claimed); what was typed is then emptied from it."""
    now = timezone.now()
    claimed = PendingFirstContact.objects.filter(
        pk=pending.pk, confirmed_at__isnull=True, expires_at__gt=now
    ).update(confirmed_at=now, data={})
    if not claimed:
        pending.refresh_from_db()
        raise LinkRefused(link_state(pending))
    contact = first_contact_of(email=pending.email, answers=pending.data)
    return first_contact_submit(
        contact=contact,
        gender=str(pending.data.get("gender", "")),
        age_band=str(pending.data.get("age_band", "")),
    )

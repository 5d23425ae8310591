"""The rights of the people: access (export), consents that take effect, requests to the DPO."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import Membership, OrganisationKind, User
from applicants.models import ConsentPurpose, ConsentRecord, Person
from applicants.services import consent_record
from audit.models import AuditAction
from audit.services import audit_record, ref_of
from notifications.catalogue import Event
from notifications.services import Message, notify

from .export.archive import build_zip
from .export.collect import collect
from .notices import CNIL_COMPLAINT_URL
from .sharing import partner_access_restore, partner_access_suspend, sharing_is_consent


def subject_access_export(*, user: User) -> bytes:
    """Everything the platform holds about ``user``, as the bytes of a ZIP (art. 15 RGPD)."""
    return build_zip(collect(user), dpo=settings.DPO_CONTACT, cnil=CNIL_COMPLAINT_URL)


@transaction.atomic
def personal_data_export(*, user: User, actor: User) -> bytes:
    """``subject_access_export``, recorded in the audit trail (who exported whose data,
    never the data itself). The caller has checked that ``actor`` may."""
    own = actor.pk == user.pk
    audit_record(
        action=AuditAction.DOWNLOAD,
        actor=actor,
        object_ref=ref_of(user),
        summary="Export de ses données personnelles (droit d'accès)."
        if own
        else "Export des données personnelles d'une personne par la ou le DPO (droit d'accès).",
    )
    return subject_access_export(user=user)


@transaction.atomic
def partner_sharing_set(*, person: Person, granted: bool) -> ConsentRecord:
    """Give or withdraw consent to partner sharing; it takes effect at once (support
    organisations and financiers lose or regain the dossiers: ``privacy.sharing``)."""
    if not sharing_is_consent():
        raise ApplicationError(
            "Le partage avec les partenaires ne repose pas sur votre consentement : "
            "vous pouvez vous y opposer en écrivant à la ou au délégué·e à la protection "
            "des données."
        )
    record = consent_record(
        person=person, purpose=ConsentPurpose.SHARE_WITH_PARTNERS, granted=granted
    )
    if granted:
        partner_access_restore(person=person)
    else:
        partner_access_suspend(person=person)
    return record


def newsletter_set(*, person: Person, granted: bool) -> ConsentRecord:
    """Give or withdraw consent to news of the ESS events (a new record each time)."""
    return consent_record(person=person, purpose=ConsentPurpose.NEWSLETTER, granted=granted)


@transaction.atomic
def dpo_request_send(*, user: User, topic: str, text: str) -> int:
    """Tell the members of the DPO's organisation(s) about a request on personal data
    (rectification, objection, a question): they answer by e-mail. Returns how many people
    were told; the notification is the record of the request."""
    text = text.strip()
    if not text:
        raise ApplicationError("Écrivez votre demande avant de l'envoyer.")
    recipients = Membership.objects.filter(
        organisation__kind=OrganisationKind.DPO, organisation__is_active=True
    ).values_list("user_id", flat=True)
    message = Message(
        event=Event.PERSONAL_DATA_REQUEST,
        link=reverse("privacy:dpo_search"),
        dossier_ref=ref_of(user),
        occurrence=timezone.now().strftime("%Y%m%d%H%M%S%f"),  # each request told apart
        context={"topic": topic, "text": text, "requester": f"{user} <{user.email}>"},
    )
    return notify(message=message, recipient_ids=list(recipients))

"""Applicants' accounts and consents."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from applicants.models import ConsentPurpose, ConsentRecord, Person

PRIVACY_NOTICE_VERSION = "2026-11"


@transaction.atomic
def person_register(
    *, email: str, first_name: str, last_name: str, phone: str = "", password: str | None = None
) -> Person:
    """Create or link the applicant account for an e-mail address (case-insensitive)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
    person, _ = Person.objects.get_or_create(user=user, defaults={"phone": phone})
    return person


def consent_record(
    *,
    person: Person,
    purpose: ConsentPurpose,
    granted: bool,
    text_version: str = PRIVACY_NOTICE_VERSION,
) -> ConsentRecord:
    """Append a consent decision; the latest row per purpose is the one in force."""
    return ConsentRecord.objects.create(
        person=person, purpose=purpose, granted=granted, text_version=text_version
    )

"""Applicants' accounts and consents."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from accounts.models import User
from applicants.models import ConsentPurpose, ConsentRecord, Person


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


def person_equity_answer(*, person: Person, gender: str, age_band: str) -> Person:
    """Store the optional, self-declared equity answers given on the public first-contact
    form ("" = not answered), for a person that same submission created: anyone may type
    any e-mail there, so the caller never calls this for an e-mail already known
    (``applicants.selectors.people.person_known``). Only questions never answered are
    filled. The person changes theirs, signed in, in their space (``person_update``)."""
    changed = []
    for name, value in (("gender", gender), ("age_band", age_band)):
        if value and not getattr(person, name):
            setattr(person, name, value)
            changed.append(name)
    if changed:
        person.save(update_fields=changed)
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    first_name: str,
    last_name: str,
    civility: str,
    phone: str,
    role_in_structure: str,
    gender: str,
    age_band: str,
) -> Person:
    """The applicant changes their own details (their e-mail is their sign-in: not here)."""
    user = person.user
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    person.civility, person.phone, person.role_in_structure = civility, phone, role_in_structure
    person.gender, person.age_band = gender, age_band
    person.save(update_fields=["civility", "phone", "role_in_structure", "gender", "age_band"])
    return person


def consent_record(
    *,
    person: Person,
    purpose: ConsentPurpose,
    granted: bool,
    text_version: str | None = None,
) -> ConsentRecord:
    """Append a consent decision; the latest row per purpose is the one in force. It names
    the information notice the person was shown: the one in force by default
    (``PRIVACY_NOTICE_VERSION``, whose texts are in ``privacy.notices``)."""
    return ConsentRecord.objects.create(
        person=person,
        purpose=purpose,
        granted=granted,
        text_version=text_version or settings.PRIVACY_NOTICE_VERSION,
    )

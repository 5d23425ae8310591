"""Anonymising an account: unusable, unreachable, unique, and nothing of the person left
but the equity answers the indicators count."""

from __future__ import annotations

from io import StringIO

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, User
from accounts.services import membership_add
from applicants.models import Person
from audit import services as audit_services
from audit.models import AuditIdentity
from audit.selectors import records_about_user
from notifications.models import Notification
from privacy.anonymise import person_anonymise
from privacy.anonymise.person import anonymous_email
from tests.factories.applicants import PersonFactory
from tests.privacy.scan import where_found

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client: Client, incubator_x: Organisation) -> Person:
    person = PersonFactory.create(
        user__email="camille@example.org",
        user__first_name="Camille",
        user__last_name="Durand-Lefort",
        phone="07 98 76 54 32",
        role_in_structure="Présidente",
        gender="woman",
        age_band="36_45",
    )
    user = person.user
    TOTPDevice.objects.create(user=user, name="téléphone")
    membership_add(organisation=incubator_x, user=user)
    Notification.objects.create(
        recipient=user, event="first_contact", subject="Bonjour Camille", body="…", key="n1"
    )
    AccessLog.objects.create(username=user.email, ip_address="192.0.2.1", user_agent="test")
    client.force_login(user)
    return person


def test_the_account_becomes_anonymous_and_unusable(person: Person) -> None:
    user = person.user
    assert person_anonymise(user=user)
    user.refresh_from_db()
    assert user.email == anonymous_email(user.pk)
    assert (user.first_name, user.last_name, user.is_active) == ("", "", False)
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    assert not Notification.objects.filter(recipient=user).exists()
    assert not AccessLog.objects.exists()
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all()
    )
    person.refresh_from_db()
    assert (person.phone, person.role_in_structure) == ("", "")
    assert (person.gender, person.age_band) == ("woman", "36_45")  # the equity indicators
    assert where_found(["camille", "Durand-Lefort", "07 98 76 54 32", "Présidente"]) == []


def test_a_second_call_changes_nothing(person: Person) -> None:
    assert person_anonymise(user=person.user)
    assert not person_anonymise(user=person.user)


def test_an_address_already_taken_still_gives_a_unique_one(person: Person) -> None:
    User.objects.create_user(email=anonymous_email(person.pk), password="x")
    assert person_anonymise(user=person.user)
    person.user.refresh_from_db()
    assert person.user.email.startswith(f"anonyme-{person.pk}-")
    assert person.user.email.endswith("@anonyme.invalid")
    assert not person_anonymise(user=person.user)


def test_the_audit_trail_forgets_the_person_and_what_was_typed_with_their_address(
    person: Person,
) -> None:
    """Their identity and a failed sign-in typed with their old address read « personne
    effacée »; every record still verifies."""
    user = person.user
    audit_services.audit_login_failed(username="Camille@Example.org")
    audit_services.audit_login(user=user)
    person_anonymise(user=user)
    assert not AuditIdentity.objects.filter(label__icontains="camille").exists()
    assert AuditIdentity.objects.filter(erased_at__isnull=False).count() >= 2
    lines = records_about_user(user_id=user.pk)
    assert lines
    assert all("camille" not in line.text.casefold() for line in lines)
    call_command("verify_audit_chain", stdout=StringIO())

"""Anonymising a person's account once no dossier of theirs is live.

The self-declared equity answers (``Person.gender``, ``Person.age_band``) are KEPT: the
plan's equity indicators count the holders of the dossiers, anonymised ones included, by
gender and age band; neither answer identifies anyone without the name, contacts and
texts removed here (and cells below ``STATISTICS_MIN_CELL`` are hidden). Consent records
(purpose, yes/no, text version, date) are kept as the proof of information the law asks.
"""

from __future__ import annotations

import re
import uuid

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import devices_for_user
from guardian.models import UserObjectPermission

from accounts.models import Membership, User
from accounts.services import membership_remove
from applicants.models import Person
from audit.services import audit_identities_erase
from documents.models import Document
from notifications.models import Notification, Preference
from workflows.models import PendingFirstContact

from .files import documents_erase
from .holders import structures_scrub
from .journal import journal
from .traces import admin_log_scrub

# RFC 2606 reserves ".invalid": no mail is ever delivered there, nor can anyone own it.
ANONYMOUS_DOMAIN = "anonyme.invalid"


def anonymous_email(user_pk: int) -> str:
    return f"anonyme-{user_pk}@{ANONYMOUS_DOMAIN}"


def is_anonymous_email(email: str, user_pk: int) -> bool:
    pattern = rf"anonyme-{user_pk}(-[0-9a-f]{{8}})?@{re.escape(ANONYMOUS_DOMAIN)}"
    return re.fullmatch(pattern, email) is not None


def person_anonymise(*, user: User) -> bool:
    """Make ``user``'s account anonymous and unusable: a unique address that receives no
    mail, no names, no password, inactive, no second factor, sessions, memberships,
    notifications, sign-in records nor phone; structures without a live project lose
    their identity. False when there was nothing left to do."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old_email = locked.email
        counts = {"compte": identity_scrub(locked)}
        counts["sécurité"] = _access_remove(locked, old_email)
        counts["porteur"] = _person_scrub(locked)
        counts["notifications"] = Notification.objects.filter(recipient=locked).delete()[0]
        counts["notifications"] += Preference.objects.filter(user=locked).delete()[0]
        orphans = Document.objects.filter(owner=locked, application__isnull=True)
        counts["fichiers"] = documents_erase(orphans)
        person = Person.objects.filter(user=locked).first()
        counts["historique de l'admin"] = admin_log_scrub([locked, person] if person else [locked])
        # Last, so that the records this anonymisation wrote are forgotten too; the old
        # address given, so that sign-ins typed with it are forgotten as well.
        counts["journal"] = audit_identities_erase(user_ids=[locked.pk], identifiers=[old_email])
        if not any(counts.values()):
            return False
        journal(
            object_ref=f"accounts.user:{locked.pk}",
            summary=f"Compte n° {locked.pk} anonymisé.",
            after={"lignes modifiées": counts},
        )
    user.refresh_from_db()
    return True


def identity_scrub(user: User) -> int:
    """Replace the address and clear the names, password and flags; 1 if anything changed.
    Done first, so that records written afterwards (a revoke in the audit trail) name the
    anonymous account, not the person."""
    changed = False
    if not is_anonymous_email(user.email, user.pk):
        target = anonymous_email(user.pk)
        if User.objects.filter(email=target).exclude(pk=user.pk).exists():
            # Someone registered the address first: still unique, still undeliverable.
            target = f"anonyme-{user.pk}-{uuid.uuid4().hex[:8]}@{ANONYMOUS_DOMAIN}"
        user.email = target
        changed = True
    for field in ("first_name", "last_name"):
        if getattr(user, field):
            setattr(user, field, "")
            changed = True
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            setattr(user, flag, False)
            changed = True
    if user.has_usable_password():
        user.set_unusable_password()
        changed = True
    if changed:
        user.save()
    return int(changed)


def _access_remove(user: User, old_email: str) -> int:
    count = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        count += 1
    count += _sessions_delete(user)
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        membership_remove(membership=membership)
        count += 1
    for permission in UserObjectPermission.objects.filter(user=user):
        permission.delete()  # one by one: the audit trail records each revoke
        count += 1
    count += sign_in_records_delete(old_email)
    # Submissions of the public form with this address (waiting for, or past, their link).
    count += PendingFirstContact.objects.filter(email__iexact=old_email).delete()[0]
    return count


def _sessions_delete(user: User) -> int:
    """The user's sessions still open (the database store files them by key only)."""
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    return Session.objects.filter(session_key__in=keys).delete()[0] if keys else 0


def sign_in_records_delete(email: str) -> int:
    """django-axes' rows of sign-ins typed with ``email`` (any case), successful or not."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    count = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        count += model.objects.filter(Q(username__iexact=email)).delete()[0]
    return count


def _person_scrub(user: User) -> int:
    person = Person.objects.filter(user=user).first()
    if person is None:
        return 0
    count = (
        Person.objects.filter(pk=person.pk)
        .exclude(civility="", phone="", role_in_structure="")
        .update(civility="", phone="", role_in_structure="")
    )
    return count + structures_scrub(holder_id=person.pk)

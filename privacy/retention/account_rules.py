"""Accounts nobody has used for years: their holder is warned by e-mail, then, still without
a sign-in after the warning period, the account is deleted — or anonymised when it carries a
record that must be kept names them (``privacy.anonymise.person_anonymise``).

Never concerned: MEL staff and administrators (``is_staff``/``is_superuser``); members of
an organisation (partners, committee, financiers): their access ends with their membership,
removed by the people who manage it, not by inactivity; holders of a dossier not yet
anonymised: the dossier's own rules (``dossier_rules``) decide when its holder's identity
goes, since the programme needs their contact for as long as it keeps the dossier (a
funded project in its follow-up may see no sign-in for years); accounts already anonymised
(their address is in the reserved ``.invalid`` domain, never a real person's). Inactivity counts from the last
sign-in, or from the account's creation when the person never signed in. A sign-in after the
warning makes it stale: the account is no longer due (and a new warning is sent if the
person goes quiet again for the whole period).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, ProtectedError, QuerySet, RestrictedError
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone

from accounts.french import long_date
from accounts.models import Membership, User
from applicants.models import Person
from audit.services import audit_identities_erase
from privacy.anonymise import person_anonymise
from privacy.anonymise.holders import live_projects
from privacy.anonymise.person import ANONYMOUS_DOMAIN, sign_in_records_delete
from privacy.anonymise.traces import admin_log_scrub
from privacy.models import AccountDeletionWarning

from .rules import Outcome, RetentionRule, register


def _inactive_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RETENTION_INACTIVE_ACCOUNT_DAYS)


def _warning_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS)


def _concerned() -> QuerySet[User]:
    """Accounts the rule may end, with ``activity``: last sign-in, else creation."""
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .exclude(email__endswith=f"@{ANONYMOUS_DOMAIN}")
        .exclude(Exists(Membership.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(live_projects(holder_id=OuterRef("pk"))))
        .exclude(
            Exists(
                AccountDeletionWarning.objects.filter(
                    user=OuterRef("pk"), anonymised_at__isnull=False
                )
            )
        )
        .annotate(activity=Coalesce(F("last_login"), F("date_joined")))
    )


def _current_warning() -> QuerySet[AccountDeletionWarning]:
    # A warning sent after the last sign-in: one sent before it was cancelled by it.
    return AccountDeletionWarning.objects.filter(
        user=OuterRef("pk"), warned_at__gte=OuterRef("activity")
    )


def warning_due(now: datetime.datetime) -> QuerySet[User]:
    limit = now - (_inactive_days() - _warning_days())
    return (
        _concerned()
        .filter(LessThan(F("activity"), limit))
        .exclude(Exists(_current_warning()))
        .order_by("pk")
    )


def end_due(now: datetime.datetime) -> QuerySet[User]:
    return (
        _concerned()
        .filter(LessThan(F("activity"), now - _inactive_days()))
        .filter(Exists(_current_warning().filter(deletion_on__lte=now)))
        .order_by("pk")
    )


def account_warn(user: User) -> Outcome:
    """Send the warning e-mail, then record it (a failed send is tried again next night)."""
    now = timezone.now()
    activity = user.last_login or user.date_joined
    deletion_on = max(activity + _inactive_days(), now + _warning_days())
    login_url = settings.SITE_URL.rstrip("/") + reverse("accounts:login")
    send_mail(
        subject=f"Votre compte Entreprendre Autrement sera supprimé le {long_date(deletion_on)}",
        message=(
            "Bonjour,\n\n"
            "Vous ne vous êtes pas connecté·e à votre espace Entreprendre Autrement depuis "
            f"le {long_date(activity)}. Sans connexion de votre part, votre compte sera "
            f"supprimé le {long_date(deletion_on)}, comme le prévoient les règles de "
            "conservation des données personnelles de la Métropole Européenne de Lille.\n\n"
            "Pour garder votre compte, il suffit de vous connecter avant cette date :\n"
            f"{login_url}\n\n"
            "L'équipe Entreprendre Autrement de la MEL"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    AccountDeletionWarning.objects.update_or_create(
        user=user, defaults={"warned_at": now, "deletion_on": deletion_on}
    )
    return Outcome.WARNED


def _anonymise(user: User) -> Outcome:
    with transaction.atomic():
        person_anonymise(user=user)
        AccountDeletionWarning.objects.filter(user=user).update(anonymised_at=timezone.now())
    return Outcome.ANONYMISED


def account_end(user: User) -> Outcome:
    """Delete the account, or anonymise it when something kept still refers to it."""
    try:
        with transaction.atomic():
            # While the address is still there: the trail forgets the sign-ins typed with it.
            audit_identities_erase(user_ids=[user.pk])
            # The admin's history names the account and its person as they were; no
            # foreign key cascades to it.
            admin_log_scrub([user, *Person.objects.filter(pk=user.pk)])
            User.objects.filter(pk=user.pk).delete()
            # Again after: the cascade's revokes (guardian rows) were recorded in the trail
            # naming the person through an identity created after the first erasure.
            audit_identities_erase(user_ids=[user.pk], identifiers=[user.email])
            sign_in_records_delete(user.email)  # as the trail: nothing typed with it stays
    except (ProtectedError, RestrictedError):
        # A document, a signature or a payment order names this person: kept records.
        return _anonymise(user)
    return Outcome.DELETED


INACTIVE_BASIS = (
    "Limitation de la conservation (art. 5-1-e RGPD) : compte supprimé après 2 à 3 ans "
    "sans connexion, après un e-mail d'avertissement ; anonymisé si un document conservé "
    "le cite. Jamais pour l'équipe de la MEL, les membres d'une organisation partenaire ni "
    "les porteur·ses d'un dossier encore conservé (les règles des dossiers s'en chargent)."
)

register(
    RetentionRule(
        code="inactive_account_warning",
        label="Comptes sans connexion : e-mail d'avertissement avant suppression",
        setting="RETENTION_INACTIVE_ACCOUNT_DAYS",
        after="sans connexion, moins {RETENTION_INACTIVE_WARNING_DAYS} (l'e-mail part avant)",
        basis=INACTIVE_BASIS,
        outcome=Outcome.WARNED,
        due=warning_due,
        apply=account_warn,
    )
)
register(
    RetentionRule(
        code="inactive_account_end",
        label=(
            "Comptes sans connexion, prévenus et toujours sans connexion (anonymisés plutôt "
            "que supprimés si un document conservé les cite)"
        ),
        setting="RETENTION_INACTIVE_ACCOUNT_DAYS",
        after="sans connexion, et au moins {RETENTION_INACTIVE_WARNING_DAYS} après l'e-mail",
        basis=INACTIVE_BASIS,
        outcome=Outcome.DELETED,
        due=end_due,
        apply=account_end,
    )
)

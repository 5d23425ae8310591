"""Sign-in protection: the lockout's identity of a request, and the optional TOTP second factor.

The lockout (django-axes) counts failures per e-mail *and* client address; these callables
tell it which e-mail and which address. The TOTP functions wrap django-otp's ``TOTPDevice``:
one device per user, unconfirmed until the user types a first valid code.
"""

from __future__ import annotations

import ipaddress
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from .exceptions import ApplicationError
from .models import User
from .policy import Persona
from .selectors import user_organisation_ids, user_personas

TOTP_DEVICE_NAME = "Application d'authentification"


# LOCKOUT (django-axes callables, named in settings)
# ------------------------------------------------------------------------------


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The e-mail of an attempt, trimmed and in lower case, so case changes count as one."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return str(value).strip().lower() if value else None


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address seen by the outermost of TRUSTED_PROXY_COUNT proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    N trusted proxies the client is the N-th entry from the right; entries further left were
    written by the client itself and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


# SECOND FACTOR (TOTP)
# ------------------------------------------------------------------------------


def totp_available(user: User) -> bool:
    """Members of organisations (and administrators) may add a second factor; applicants not."""
    return user.is_staff or bool(user_organisation_ids(user))


def totp_required(user: User) -> bool:
    """MEL staff and administrators must enrol when ``OTP_REQUIRED_FOR_STAFF`` is set."""
    if not settings.OTP_REQUIRED_FOR_STAFF:
        return False
    return user.is_staff or Persona.MEL_STAFF in user_personas(user)


def totp_confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def totp_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, as typed into an authenticator app."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_enrollment_start(*, user: User) -> TOTPDevice:
    """A fresh unconfirmed device (a new secret each time the user starts over)."""
    if not totp_available(user):
        raise ApplicationError("La double authentification est réservée aux partenaires.")
    if totp_confirmed_device(user) is not None:
        raise ApplicationError("La double authentification est déjà activée sur ce compte.")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrollment_confirm(*, user: User, token: str) -> TOTPDevice:
    device = totp_pending_device(user)
    if device is None:
        raise ApplicationError("Commencez par afficher une nouvelle clé.")
    if not device.verify_token(token):
        raise ApplicationError(
            "Ce code ne correspond pas. Vérifiez l'heure de votre téléphone et saisissez le "
            "code affiché en ce moment.",
            field="code",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def totp_disable(*, user: User, token: str) -> None:
    device = totp_confirmed_device(user)
    if device is None:
        raise ApplicationError("La double authentification n'est pas activée sur ce compte.")
    if not device.verify_token(token):
        raise ApplicationError("Ce code ne correspond pas.", field="code")
    TOTPDevice.objects.filter(user=user).delete()

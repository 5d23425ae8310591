"""Session lifetime, second-factor checks and private caching, after authentication."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

from .models import User
from .security import totp_required

# Set at sign-in (accounts.receivers.session_started): when the session began, and whether the
# user had a confirmed second factor then.
SESSION_STARTED_AT = "accounts_started_at"
SESSION_NEEDS_OTP = "accounts_needs_otp"
# Last time the expiry was pushed back (saving the session sets it to now + SESSION_COOKIE_AGE).
SESSION_TOUCHED_AT = "accounts_touched_at"

# Pages a user may reach before completing the second factor.
_OPEN_BEFORE_OTP = {"login", "login_code", "logout", "security"}


def _login_redirect(request: HttpRequest, message: str) -> HttpResponse:
    logout(request)
    messages.info(request, message)
    return redirect(settings.LOGIN_URL)


class SessionLifetimeMiddleware:
    """Idle and absolute limits of a signed-in session.

    - Idle: the session store drops a session SESSION_COOKIE_AGE seconds after its last save;
      activity saves it again (so pushes the expiry back) at most once a minute.
    - Absolute: SESSION_MAX_LIFETIME_SECONDS after sign-in the user signs in again, however
      active.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED_AT, now)
            if now - started > settings.SESSION_MAX_LIFETIME_SECONDS:
                return _login_redirect(
                    request, "Votre session a expiré. Reconnectez-vous pour continuer."
                )
            refresh_every = min(60, settings.SESSION_COOKIE_AGE / 4)
            if now - request.session.get(SESSION_TOUCHED_AT, 0) >= refresh_every:
                request.session[SESSION_TOUCHED_AT] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Keeps the second factor from being bypassed, and enforces it for staff when required.

    - A session opened without the code by a user who has a second factor (e.g. through
      another sign-in page) is closed.
    - With OTP_REQUIRED_FOR_STAFF, MEL staff without a second factor only reach the security
      page until they enrol.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return None
        match = request.resolver_match
        if match and match.namespace == "accounts" and match.url_name in _OPEN_BEFORE_OTP:
            return None
        verified = user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
        if request.session.get(SESSION_NEEDS_OTP) and not verified:
            return _login_redirect(
                request, "Saisissez le code de votre application d'authentification."
            )
        if not verified and totp_required(user):
            messages.info(
                request,
                "Activez la double authentification pour accéder à l'espace de la MEL.",
            )
            return redirect("accounts:security")
        return None


class PrivateResponsesMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or a proxy: every response
    to an authenticated request (pages, PDFs, exports, files) is ``private, no-store``,
    unless its view declared it ``public`` (the open-data files, the same for everyone)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            declared = response.get("Cache-Control", "")
            if "public" not in declared:
                patch_cache_control(response, private=True, no_store=True)
        return response

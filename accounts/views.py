"""Sign-in pages (password, then the code of a second factor), account security, organisations."""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from .access import get_visible_or_404
from .exceptions import ApplicationError
from .filters import OrganisationFilter
from .forms import EmailAuthenticationForm, TotpCodeForm, add_application_error
from .http import AuthenticatedRequest
from .listing import list_context
from .middleware import SESSION_NEEDS_OTP
from .models import Organisation, User
from .security import (
    totp_available,
    totp_confirmed_device,
    totp_disable,
    totp_enrollment_confirm,
    totp_enrollment_start,
    totp_pending_device,
    totp_secret,
)
from .selectors import filter_visible, organisation_members, user_personas
from .warnings import organisation_warnings

PAGE_SIZE = 50

# Between the password and the code: who passed the password step, when, and where to go.
OTP_PENDING = "accounts_otp_pending"


class LoginView(auth_views.LoginView):
    """Password step. A user with a second factor is signed in only after the code step."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if totp_confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[OTP_PENDING] = {
            "user_id": user.pk,
            "backend": user.backend,  # type: ignore[attr-defined]  # set by authenticate()
            "next": self.get_success_url(),
            "at": time.time(),
            "failures": 0,
        }
        return redirect("accounts:login_code")


def _pending_user(request: HttpRequest) -> tuple[dict[str, Any], User] | None:
    pending = request.session.get(OTP_PENDING)
    if not pending or time.time() - pending["at"] > settings.OTP_LOGIN_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    return (pending, user) if user else None


def _back_to_password(request: HttpRequest, message: str) -> HttpResponse:
    request.session.pop(OTP_PENDING, None)
    messages.error(request, message)
    return redirect("accounts:login")


@sensitive_post_parameters("code")
@never_cache
def login_code(request: HttpRequest) -> HttpResponseBase:
    """Code step: a wrong code counts as a failed sign-in (lockout) and five end the attempt."""
    found = _pending_user(request)
    device = totp_confirmed_device(found[1]) if found else None
    if found is None or device is None:
        return _back_to_password(
            request, "Reprenez la connexion avec votre adresse e-mail et votre mot de passe."
        )
    pending, user = found
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.email}
    if AxesProxyHandler.is_locked(request, credentials):
        return locked_out(request, None, credentials)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", "Trop d'essais rapprochés : patientez quelques secondes.")
        elif device.verify_token(form.cleaned_data["code"]):
            del request.session[OTP_PENDING]
            user.otp_device = device  # type: ignore[attr-defined]  # kept by django-otp at login
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        else:
            pending["failures"] += 1
            request.session[OTP_PENDING] = pending
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if pending["failures"] >= settings.OTP_LOGIN_MAX_ATTEMPTS:
                return _back_to_password(
                    request, "Trop de codes erronés. Reprenez la connexion depuis le début."
                )
            form.add_error(
                "code",
                "Ce code ne correspond pas. Vérifiez l'heure de votre téléphone et saisissez "
                "le code affiché en ce moment.",
            )
    return render(request, "accounts/login_code.html", {"form": form})


def locked_out(
    request: HttpRequest,
    original_response: HttpResponseBase | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The lockout page (django-axes AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@login_required
def security(request: AuthenticatedRequest) -> HttpResponse:
    """Account security: turn the TOTP second factor on (key, then a first code) or off."""
    user = request.user
    if not totp_available(user):
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    form = TotpCodeForm(request.POST if action in {"confirm", "disable"} else None)
    if action is not None:
        try:
            if action == "start":
                totp_enrollment_start(user=user)
                return redirect("accounts:security")
            if form.is_valid() and action == "confirm":
                device = totp_enrollment_confirm(user=user, token=form.cleaned_data["code"])
                otp_login(request, device)
                request.session[SESSION_NEEDS_OTP] = True
                messages.success(request, "La double authentification est activée.")
                return redirect("accounts:security")
            if form.is_valid() and action == "disable":
                totp_disable(user=user, token=form.cleaned_data["code"])
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
                request.session[SESSION_NEEDS_OTP] = False
                messages.success(request, "La double authentification est désactivée.")
                return redirect("accounts:security")
        except ApplicationError as error:
            if form.is_bound:
                add_application_error(form, error)
            else:
                messages.error(request, error.message)
    confirmed = totp_confirmed_device(user)
    pending = None if confirmed else totp_pending_device(user)
    return render(
        request,
        "accounts/security.html",
        {
            "form": form,
            "confirmed": confirmed,
            "pending": pending,
            "secret": totp_secret(pending) if pending else "",
            "config_url": pending.config_url if pending else "",
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = filter_visible(request.user, Organisation.objects.order_by("kind", "name"))
    filterset = OrganisationFilter(request.GET, queryset=organisations, request=request)
    noun = ("organisation", "organisations")
    context = list_context(request, filterset, per_page=PAGE_SIZE, noun=noun)
    return render(request, "accounts/organisation_list.html", context)


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_visible_or_404(request.user, Organisation.objects.all(), slug=slug)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": organisation_members(organisation),
            "personas_of_user": user_personas(request.user),
            # Set-up problems, for those who can fix them (staff editing organisations).
            "warnings": organisation_warnings(organisation=organisation)
            if request.user.has_perm("accounts.change_organisation")
            else [],
        },
    )

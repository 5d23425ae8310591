"""Sign-in pages and organisation pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from .access import get_visible_or_404
from .forms import EmailAuthenticationForm
from .models import Organisation
from .selectors import filter_visible, organisation_members, user_personas


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = filter_visible(request.user, Organisation.objects.order_by("kind", "name"))
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


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
        },
    )

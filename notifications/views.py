"""The notification centre: one's own notifications (read, mark as read, follow the link),
delivery preferences, and staff re-sending a notification from a dossier."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest

from . import services
from .models import DeliveryMode, Notification, Preference
from .selectors import notifications_of

PAGE_SIZE = 25


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(notifications_of(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@login_required
def notification_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark as read and go to its page (only one's own; others do not exist for you)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user_id=request.user.pk)
    messages.success(request, f"{count} notification(s) marquée(s) comme lue(s).")
    return redirect("notifications:list")


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        label="Recevoir les e-mails",
        choices=DeliveryMode.choices,
        widget=forms.RadioSelect,
        help_text="Ce qui vous demande une action arrive toujours tout de suite.",
    )


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    """People working in an organisation may choose a daily digest; applicants always get
    what concerns them at once."""
    if not request.user.memberships.exists():
        raise PermissionDenied("Vous recevez vos e-mails au fil de l'eau.")
    current = Preference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        request.POST or None,
        initial={"mode": current.mode if current else DeliveryMode.IMMEDIATE},
    )
    if request.method == "POST" and form.is_valid():
        services.preference_set(user_id=request.user.pk, mode=form.cleaned_data["mode"])
        messages.success(request, "Vos préférences sont enregistrées.")
        return redirect("notifications:list")
    return render(request, "notifications/preferences.html", {"form": form})


@require_POST
@login_required
def notification_resend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Staff send a notification of a dossier again (e.g. the person lost the e-mail)."""
    if not request.user.has_perm("notifications.resend_notification"):
        raise PermissionDenied("Réservé à l'équipe de la MEL.")
    notification = get_object_or_404(Notification, pk=pk)
    services.notification_resend(notification=notification)
    messages.success(request, f"Notification renvoyée à {notification.recipient}.")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notifications:list")

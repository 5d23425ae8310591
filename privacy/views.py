"""The information notice (public), « Mes données personnelles » (anyone signed in, about
themselves only) and the DPO's export of a person's data (``accounts.export_user``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.exceptions import ApplicationError
from accounts.http import AuthenticatedRequest
from accounts.models import User
from applicants.models import ConsentPurpose, Person

from .forms import DpoRequestForm, PersonSearchForm
from .notices import CNIL_COMPLAINT_URL, current_notice, notice_by_id, previous_notices
from .notices import retention_lines as notice_retention_lines
from .selectors import consent_history, consents_in_force, user_by_email
from .services import dpo_request_send, newsletter_set, partner_sharing_set, personal_data_export
from .sharing import sharing_is_consent

EXPORT_PERM = "accounts.export_user"


def notice(request: HttpRequest) -> HttpResponse:
    """The notice in force and the list of the earlier ones (public)."""
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": current_notice(),
            "previous": previous_notices(),
            "retention_lines": notice_retention_lines(),
            "current": True,
        },
    )


def notice_version(request: HttpRequest, notice_id: str) -> HttpResponse:
    """An earlier (or the current) version of the notice, as it was published."""
    found = notice_by_id(notice_id)
    if found is None:
        raise Http404("Cette version de la notice n'existe pas.")
    return render(
        request,
        "privacy/notice.html",
        {"notice": found, "previous": [], "current": found.id == current_notice().id},
    )


def _person(request: AuthenticatedRequest) -> Person | None:
    return Person.objects.filter(pk=request.user.pk).first()


@login_required
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    """What the person can do about their data, for any signed-in person (their own only)."""
    person = _person(request)
    return render(
        request,
        "privacy/my_data.html",
        {
            "person": person,
            "consents": consents_in_force(person) if person else {},
            "history": consent_history(person) if person else [],
            "sharing_is_consent": sharing_is_consent(),
            "dpo_contact": settings.DPO_CONTACT,
            "cnil_url": CNIL_COMPLAINT_URL,
            "notice": current_notice(),
            "dpo_form": DpoRequestForm(),
        },
    )


def _zip_response(content: bytes, user: User) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="donnees-personnelles-{user.pk}-{day}.zip"'
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_POST
@login_required
def my_data_export(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own export (POST: a download that is recorded, never prefetched)."""
    user = request.user
    return _zip_response(personal_data_export(user=user, actor=user), user)


@login_required
def sharing(request: AuthenticatedRequest) -> HttpResponse:
    """Withdraw or give again consent to partner sharing, after reading what it means."""
    person = _person(request)
    if person is None or not sharing_is_consent():
        raise PermissionDenied("Le partage de dossier ne concerne que les porteur·ses de projet.")
    state = consents_in_force(person)[ConsentPurpose.SHARE_WITH_PARTNERS]
    withdrawn = state.granted is False
    if request.method == "POST":
        granted = request.POST.get("granted") == "1"
        try:
            partner_sharing_set(person=person, granted=granted)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "Votre accord est enregistré : les partenaires voient de nouveau votre dossier."
                if granted
                else "Votre retrait est enregistré : les structures d'accompagnement et les "
                "financeurs ne voient plus votre dossier.",
            )
        return redirect("privacy:my_data")
    return render(request, "privacy/sharing.html", {"withdrawn": withdrawn, "person": person})


@require_POST
@login_required
def newsletter(request: AuthenticatedRequest) -> HttpResponse:
    person = _person(request)
    if person is None:
        raise PermissionDenied("Ce choix ne concerne que les porteur·ses de projet.")
    granted = request.POST.get("granted") == "1"
    newsletter_set(person=person, granted=granted)
    messages.success(
        request,
        "Vous recevrez les informations sur les événements de l'ESS."
        if granted
        else "Vous ne recevrez plus les informations sur les événements de l'ESS.",
    )
    return redirect("privacy:my_data")


@login_required
def dpo_request(request: AuthenticatedRequest) -> HttpResponse:
    """A message to the DPO: rectification of what one cannot correct oneself, objection…"""
    form = DpoRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = dpo_request_send(
                user=request.user, topic=form.topic_label(), text=form.cleaned_data["text"]
            )
        except ApplicationError as error:
            form.add_error("text", str(error))
        else:
            if told:
                messages.success(
                    request,
                    "Votre demande est envoyée à la ou au délégué·e à la protection des "
                    "données : la réponse vous parviendra par e-mail, dans un délai d'un mois.",
                )
            else:
                messages.warning(
                    request,
                    "Votre demande n'a pas pu être transmise en ligne : écrivez directement à "
                    f"{settings.DPO_CONTACT}.",
                )
            return redirect("privacy:my_data")
    return render(
        request, "privacy/dpo_request.html", {"form": form, "dpo_contact": settings.DPO_CONTACT}
    )


@login_required
def dpo_search(request: AuthenticatedRequest) -> HttpResponse:
    """The DPO finds a person by e-mail address, then downloads their export."""
    if not request.user.has_perm(EXPORT_PERM):
        raise PermissionDenied(
            "Cette page est réservée à la ou au délégué·e à la protection des données."
        )
    form = PersonSearchForm(request.GET if "email" in request.GET else None)
    found: User | None = None
    searched = form.is_bound and form.is_valid()
    if searched:
        found = user_by_email(form.cleaned_data["email"])
    return render(
        request, "privacy/dpo_search.html", {"form": form, "found": found, "searched": searched}
    )


@never_cache
@require_POST
@login_required
def dpo_export(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.has_perm(EXPORT_PERM):
        raise PermissionDenied(
            "Cette action est réservée à la ou au délégué·e à la protection des données."
        )
    form = PersonSearchForm(request.POST)
    user = user_by_email(form.cleaned_data["email"]) if form.is_valid() else None
    if user is None:
        messages.error(request, "Aucun compte n'a cette adresse e-mail : vérifiez-la.")
        return redirect("privacy:dpo_search")
    return _zip_response(personal_data_export(user=user, actor=request.user), user)

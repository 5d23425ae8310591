"""The people doing the work: inbox, one page per step, the journey page, first contact.

viewflow's own frontend gates every page on model-wide permissions; these pages check each
step and each journey per object instead, and complete steps through ``engine``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.forms import add_application_error
from accounts.http import AuthenticatedRequest
from accounts.listing import list_context
from applicants.models import Commune
from applicants.selectors.people import person_known
from applicants.services.territory import outside_mel_links
from audit.selectors import audit_panel
from workflows.calendar import add_working_days
from workflows.engine import task_can_act
from workflows.journey import messaging, pending, services
from workflows.journey.contact import FirstContactResult
from workflows.journey.filters import JourneyFilter
from workflows.journey.flows import first_contact_submit
from workflows.journey.forms import (
    FirstContactForm,
    MessageForm,
    SupportPlanForm,
    SupportSessionForm,
    WithdrawForm,
)
from workflows.journey.selectors import (
    journey_detail_queryset,
    journey_list,
    journey_timeline,
    next_deadline,
    open_tasks_of_journey,
)
from workflows.models import Journey, PendingFirstContact
from workflows.panels import sent_notifications_panel
from workflows.status.selectors import journey_stage_label

PAGE_SIZE = 25


# Inbox and journeys ----------------------------------------------------------------------


@login_required
def journey_index(request: AuthenticatedRequest) -> HttpResponse:
    filterset = JourneyFilter(
        request.GET, queryset=journey_list(user=request.user), request=request
    )
    context = list_context(request, filterset, per_page=PAGE_SIZE, noun=("parcours", "parcours"))
    return render(request, "workflows/journey_list.html", context)


@login_required
def journey_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journey = get_visible_or_404(request.user, journey_detail_queryset(), pk=pk)
    is_holder = journey.holder_id == request.user.pk
    can_support = request.user.has_perm("workflows.support_journey", journey)
    tasks = [
        t for t in open_tasks_of_journey(journey=journey) if task_can_act(task=t, user=request.user)
    ]
    conversation = list(messaging.messages_for(journey=journey, reader=request.user))
    messaging.messages_mark_read(journey=journey, reader=request.user)
    show_notes = messaging.can_read_private_notes(user=request.user, journey=journey)
    return render(
        request,
        "workflows/journey_detail.html",
        {
            "journey": journey,
            "stage_label": journey_stage_label(journey=journey),
            "is_holder": is_holder,
            "sent_notifications": sent_notifications_panel(
                request, f"workflows.journey:{journey.pk}"
            ),
            "audit_records": audit_panel(
                user=request.user, dossier_ref=f"workflows.journey:{journey.pk}"
            ),
            "can_support": can_support and journey.stage == "support",
            "timeline": journey_timeline(journey=journey, staff_view=not is_holder),
            "my_tasks": tasks,
            "orientations": journey.orientations.select_related("organisation", "decided_by"),
            "sessions": journey.support_sessions.select_related("author")[:20],
            "session_form": SupportSessionForm(),
            "plan_form": SupportPlanForm(
                initial={"diagnostic": journey.diagnostic, "support_plan": journey.support_plan}
            ),
            "withdraw_form": WithdrawForm(),
            "conversation": conversation,
            "deadline": next_deadline(journey=journey),
            "message_form": MessageForm(),
            "messaging_closed": messaging.messaging_closed_reason(journey=journey),
            "show_notes": show_notes,
            # Whoever works on the journey (staff, the organisation it is shared with).
            "show_contact": not is_holder,
            "notes": journey.private_notes.select_related("author") if show_notes else [],
            # Its own ids: the message form above has a "body" field too (one id per page).
            "note_form": MessageForm(auto_id="id_note_%s"),
        },
    )


# Support log and withdrawal (not steps: they do not move the journey on) ------------------


def _side_action(
    request: AuthenticatedRequest,
    journey: Journey,
    form: forms.Form,
    action: Callable[[dict[str, Any]], Any],
    success: str,
    failure: str,
) -> HttpResponse:
    """A POST on the journey page that does not move the journey on: validate, act, say
    what happened (in French), and go back to the page."""
    if not form.is_valid():
        messages.error(request, f"{failure} : {_errors_text(form)}")
    else:
        try:
            action(form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, success)
    return redirect("workflows:journey_detail", pk=journey.pk)


def _supported_journey(request: AuthenticatedRequest, pk: int) -> Journey:
    journey = get_visible_or_404(request.user, journey_detail_queryset(), pk=pk)
    if not request.user.has_perm("workflows.support_journey", journey):
        raise PermissionDenied("Seule la structure qui accompagne ce projet peut le faire.")
    return journey


@require_POST
@login_required
def support_session_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journey = _supported_journey(request, pk)
    return _side_action(
        request,
        journey,
        SupportSessionForm(request.POST),
        lambda data: services.journey_support_log_session(
            journey=journey, actor=request.user, **data
        ),
        "La séance est ajoutée au journal d'accompagnement.",
        "La séance n'a pas été enregistrée",
    )


@require_POST
@login_required
def support_plan_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journey = _supported_journey(request, pk)
    return _side_action(
        request,
        journey,
        SupportPlanForm(request.POST),
        lambda data: services.journey_support_update_plan(
            journey=journey, actor=request.user, **data
        ),
        "Le diagnostic et le plan d'accompagnement sont enregistrés.",
        "Le plan n'a pas été enregistré",
    )


@require_POST
@login_required
def message_post(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journey = get_visible_or_404(request.user, journey_detail_queryset(), pk=pk)
    return _side_action(
        request,
        journey,
        MessageForm(request.POST),
        lambda data: messaging.message_send(
            journey=journey, author=request.user, body=data["body"]
        ),
        "Votre message est envoyé.",
        "Le message n'a pas été envoyé",
    )


@require_POST
@login_required
def note_post(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journey = get_visible_or_404(request.user, journey_detail_queryset(), pk=pk)
    if not messaging.can_read_private_notes(user=request.user, journey=journey):
        raise PermissionDenied(
            "Les notes privées sont réservées à l'équipe de la MEL et à la structure qui accompagne."
        )
    return _side_action(
        request,
        journey,
        MessageForm(request.POST),
        lambda data: messaging.note_add(journey=journey, author=request.user, body=data["body"]),
        "La note est enregistrée.",
        "La note n'a pas été enregistrée",
    )


@login_required
def journey_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journey = get_visible_or_404(request.user, journey_detail_queryset(), pk=pk)
    if journey.holder_id != request.user.pk:
        raise PermissionDenied("Seul·e le ou la porteur·se du projet peut le retirer.")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journey_withdraw(
                journey=journey, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, "Votre projet est retiré. Les personnes qui le suivaient sont prévenues."
            )
        return redirect("workflows:journey_detail", pk=journey.pk)
    return render(request, "workflows/withdraw.html", {"journey": journey, "form": form})


def _errors_text(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''} : {' '.join(str(m) for m in e)}"
        for f, e in form.errors.items()
    )


# First contact (public) ------------------------------------------------------------------


def first_contact(request: HttpRequest) -> HttpResponse:
    """The public form. A visitor's contact waits until the link e-mailed to the address
    typed is followed, and the answer is the same whoever owns that address; a signed-in
    person writing from their own address has proven it, and the contact is recorded now."""
    user = request.user
    initial = {"email": user.email} if user.is_authenticated else {}
    form = FirstContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = pending.first_contact_answers(data)
        if user.is_authenticated and user.email.casefold() == data["email"].casefold():
            try:
                result = first_contact_submit(
                    contact=pending.first_contact_of(email=user.email, answers=answers),
                    gender=data["gender"],
                    age_band=data["age_band"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                return _first_contact_recorded(request, result)
        else:
            held = pending.first_contact_hold(email=data["email"], answers=answers)
            return render(request, "workflows/first_contact_sent.html", _sent_context(held))
    # Refused for a commune outside the MEL: say where to go, with links.
    outside = form.has_error("commune", "outside_mel")
    return render(
        request,
        "workflows/first_contact.html",
        {"form": form, "outside_mel_links": outside_mel_links() if outside else []},
    )


def _sent_context(held: PendingFirstContact) -> dict[str, Any]:
    return {
        "email": held.email,
        "expires_at": held.expires_at,
        "hours": settings.FIRST_CONTACT_CONFIRMATION_HOURS,
        "triage_days": settings.TRIAGE_SLA_WORKING_DAYS,
    }


def first_contact_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link e-mailed after a public first contact: a page to confirm (a GET changes
    nothing, so a mail scanner opening the link confirms nothing), then the contact is
    recorded on POST. A used, expired or unknown link gets a page that says what to do."""
    held = pending.pending_first_contact_find(token=token)
    state = pending.link_state(held)
    if held is None or state is not pending.LinkState.VALID:
        return _link_page(request, state)
    if request.method == "POST":
        try:
            result = pending.first_contact_confirm(pending=held)
        except pending.LinkRefused as refused:  # the other of two clicks, or just expired
            return _link_page(request, refused.state)
        except ApplicationError as error:
            return _link_page(request, pending.LinkState.UNKNOWN, error=error.message)
        return _first_contact_recorded(request, result)
    return render(
        request,
        "workflows/first_contact_confirm.html",
        {
            "held": held,
            "commune": Commune.objects.filter(pk=held.data.get("commune_id")).first(),
            "known": person_known(email=held.email),
            "triage_days": settings.TRIAGE_SLA_WORKING_DAYS,
        },
    )


_LINK_STATUS = {
    pending.LinkState.USED: 200,  # a second click: the contact is recorded, all is well
    pending.LinkState.EXPIRED: 410,
    pending.LinkState.UNKNOWN: 404,
}


def _link_page(request: HttpRequest, state: pending.LinkState, error: str = "") -> HttpResponse:
    return render(
        request,
        "workflows/first_contact_link.html",
        {"state": state.value, "error": error},
        status=_LINK_STATUS[state],
    )


def _first_contact_recorded(request: HttpRequest, result: FirstContactResult) -> HttpResponse:
    user = result.journey.holder.user
    return render(
        request,
        "workflows/first_contact_done.html",
        {
            "result": result,
            "signed_in": request.user.is_authenticated and request.user.pk == user.pk,
            "has_password": user.has_usable_password(),
            "answer_by": add_working_days(timezone.now(), settings.TRIAGE_SLA_WORKING_DAYS),
            "triage_days": settings.TRIAGE_SLA_WORKING_DAYS,
        },
    )

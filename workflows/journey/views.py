"""The people doing the work: inbox, one page per step, the journey page, first contact.

viewflow's own frontend gates every page on model-wide permissions; these pages check each
step and each journey per object instead, and complete steps through ``engine``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.forms import add_application_error
from accounts.http import AuthenticatedRequest
from accounts.listing import list_context
from applicants.services.territory import outside_mel_links
from audit.selectors import audit_panel
from workflows.engine import task_can_act
from workflows.journey import messaging, services
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
from workflows.models import Journey
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
    form = FirstContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = services.FirstContact(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"],
            title=data["title"],
            summary=data["summary"],
            sector=data["sector"],
            stage=data["stage"],
            needs=data["needs"],
            commune=data["commune"],
            address=data["address"],
            postal_code=data["postal_code"],
            structure_name=data["structure_name"],
            siret=data["siret"],
        )
        try:
            result = first_contact_submit(
                contact=contact, gender=data["gender"], age_band=data["age_band"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return render(request, "workflows/first_contact_done.html", {"result": result})
    # Refused for a commune outside the MEL: say where to go, with links.
    outside = form.has_error("commune", "outside_mel")
    return render(
        request,
        "workflows/first_contact.html",
        {"form": form, "outside_mel_links": outside_mel_links() if outside else []},
    )

"""The dossier's status page: one page per dossier, for the holder and for whoever the
policy lets see the journey (their support organisation, MEL staff). It shows where the
dossier stands, what the reader must do and by when, and what happened; no internals."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.access import get_visible_or_404
from accounts.http import AuthenticatedRequest
from workflows.journey.selectors import next_deadline
from workflows.models import Journey, JourneyStage
from workflows.status.deadlines import deadline_day
from workflows.status.expected import reader_actions, waiting_for_others
from workflows.status.selectors import application_of
from workflows.status.stages import dossier_stage_label, step_indicator
from workflows.status.timeline import dossier_timeline


def _answer_due(journey: Journey) -> datetime.date | None:
    """While the team sorts the request or an organisation considers it: their deadline."""
    if journey.stage not in (JourneyStage.TRIAGE, JourneyStage.ORIENTATION):
        return None
    deadline = next_deadline(journey=journey)
    return deadline_day(deadline[1]) if deadline is not None else None


@login_required
def dossier_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journey = get_visible_or_404(
        request.user,
        Journey.objects.select_related(
            "project__support_organisation", "proposed_organisation", "holder__user"
        ),
        pk=pk,
    )
    application = application_of(journey=journey)
    application_stage = application.stage if application is not None else None
    actions = reader_actions(journey=journey, application=application, user=request.user)
    is_holder = journey.holder_id == request.user.pk
    return render(
        request,
        "workflows/status/dossier.html",
        {
            "journey": journey,
            "application": application,
            "is_holder": is_holder,
            "stage_label": dossier_stage_label(
                journey_stage=journey.stage, application_stage=application_stage
            ),
            "steps": step_indicator(
                journey_stage=journey.stage, application_stage=application_stage
            ),
            "actions": actions,
            "may_apply": is_holder
            and application is None
            and journey.stage == JourneyStage.READY_TO_APPLY,
            "waiting": waiting_for_others(
                journey=journey,
                application=application,
                session=application.committee_session if application is not None else None,
                report_due=application.next_report_due if application is not None else None,
                answer_due=_answer_due(journey) if application is None else None,
            ),
            "timeline": dossier_timeline(journey=journey, application=application),
            "unread_messages": journey.messages.exclude(receipts__reader=request.user).count(),
        },
    )

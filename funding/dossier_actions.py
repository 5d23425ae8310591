"""Staff actions on a dossier that are not steps of its flow: withdraw a funding line that
will never be decided, close a funded dossier before any payment, move a dossier to another
committee session. Each is a POST from the dossier page, checked per object, and each
service takes the dossier's lock, so a double click changes nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.http import AuthenticatedRequest
from funding.services.award import application_close_unpaid, funding_line_cancel
from reviewers.models import CommitteeSession
from reviewers.services.selection import application_move_session
from workflows.application.views import application_queryset
from workflows.models import Application, FundingLine


def _staff_dossier(request: AuthenticatedRequest, pk: int) -> Application:
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if not request.user.has_perm("workflows.instruct_application"):
        raise PermissionDenied("Réservé à l'équipe de la MEL.")
    return application


def _run(request: AuthenticatedRequest, action: Callable[[], Any], done: str) -> None:
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


@require_POST
@login_required
def line_cancel(request: AuthenticatedRequest, pk: int, line_pk: int) -> HttpResponse:
    application = _staff_dossier(request, pk)
    line = get_object_or_404(FundingLine, pk=line_pk, dossier=application)
    reason = request.POST.get("reason", "")
    _run(
        request,
        lambda: funding_line_cancel(line=line, actor=request.user, reason=reason),
        "La ligne est retirée ; le dossier continue sans elle.",
    )
    return redirect("workflows:application_detail", pk=application.pk)


@require_POST
@login_required
def close_unpaid(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _staff_dossier(request, pk)
    reason = request.POST.get("reason", "")
    _run(
        request,
        lambda: application_close_unpaid(
            application=application, actor=request.user, reason=reason
        ),
        "Le dossier est clôturé sans versement.",
    )
    return redirect("workflows:application_detail", pk=application.pk)


@require_POST
@login_required
def move_session(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _staff_dossier(request, pk)
    session = CommitteeSession.objects.filter(pk=request.POST.get("session") or 0).first()
    if session is None:
        messages.error(request, "Choisissez la séance à laquelle reporter le dossier.")
    else:
        _run(
            request,
            lambda: application_move_session(
                application=application, actor=request.user, session=session
            ),
            "Le dossier est reporté à la séance choisie.",
        )
    return redirect("workflows:application_detail", pk=application.pk)

"""Pages after a favourable avis (stages 9 to 11). Filled in below."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from viewflow.workflow.models import Task

from accounts.http import AuthenticatedRequest

from .models import Application


def award_context(*, application: Application, user: Any) -> dict[str, Any]:
    """Extra context for the dossier page (its own section template)."""
    return {}


AWARD_STEPS = ("convention", "advance", "balance")
REPORT_STEPS = ("report", "report_late", "report_escalated")


def award_step(request: AuthenticatedRequest, task: Task, application: Application) -> HttpResponse:
    raise Http404


def report_step(
    request: AuthenticatedRequest, task: Task, application: Application
) -> HttpResponse:
    raise Http404


def funding_line_step(request: AuthenticatedRequest, task_pk: int, **kwargs: Any) -> HttpResponse:
    raise Http404

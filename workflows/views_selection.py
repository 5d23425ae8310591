"""Pages of the selection (stage 8). Filled in below."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from viewflow.workflow.models import Task

from accounts.http import AuthenticatedRequest

from .models import Application


def selection_context(*, application: Application, user: Any) -> dict[str, Any]:
    """Extra context for the dossier page (its own section template)."""
    return {}


SELECTION_STEPS = ("instruction", "deliberation")


def selection_step(
    request: AuthenticatedRequest, task: Task, application: Application
) -> HttpResponse:
    raise Http404


def scoring_step(request: AuthenticatedRequest, task_pk: int, **kwargs: Any) -> HttpResponse:
    raise Http404

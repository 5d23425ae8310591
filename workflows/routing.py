"""One route for every step: ``workflows:task`` calls the page its node was bound to.

Each human node declares its page in its flow (``flow.View(SomeStep.as_view())``); this route
is the whole routing table, generated from the flows: a new node needs no URL and a renamed
one cannot leave a page behind. viewflow's own URL viewsets are not mounted (their pages are
gated on model-wide permissions only).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from viewflow.workflow.models import Task

from accounts.http import AuthenticatedRequest
from workflows.steps import step_class


@login_required
def task_page(request: AuthenticatedRequest, task_pk: int) -> HttpResponse:
    """The page of a human step, as its node declares it."""
    task = get_object_or_404(
        Task.objects.select_related("process"), pk=task_pk, flow_task_type="HUMAN"
    )
    if step_class(task) is None:
        raise Http404("Étape inconnue.")
    response: HttpResponse = task.flow_task.view(request, task=task)
    return response


def task_url(task: Task) -> str:
    """The page handling ``task``."""
    return reverse("workflows:task", args=[task.pk])


def task_dossier(task: Task) -> Any:
    """The journey or application a step belongs to (the scoring's or line's dossier);
    already loaded when the step comes from ``inbox.with_dossiers``."""
    if hasattr(task, "dossier_cache"):
        return task.dossier_cache
    process = task.process
    for name in ("journey", "application"):
        try:
            return getattr(process, name)
        except ObjectDoesNotExist:
            continue
    for name in ("scoring", "fundingline"):
        try:
            return getattr(process, name).dossier
        except ObjectDoesNotExist:
            continue
    return None

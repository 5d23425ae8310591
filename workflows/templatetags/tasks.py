"""Template helpers for steps: ``{{ task|task_url }}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from viewflow.workflow.models import Task

from reviewers.selectors import open_sessions
from workflows import routing
from workflows.models import Application, Journey
from workflows.steps import step_class

register = template.Library()


@register.filter
def task_url(task: Task) -> str:
    return routing.task_url(task)


@register.filter
def task_dossier(task: Task) -> Any:
    return routing.task_dossier(task)


@register.filter
def dossier_url(task: Task) -> str:
    """The dossier's page, or the step itself for a committee member (who sees the dossier
    only through their scoring)."""
    dossier = routing.task_dossier(task)
    if isinstance(dossier, Journey):
        return reverse("workflows:journey_detail", args=[dossier.pk])
    step = step_class(task)
    if isinstance(dossier, Application) and (step is None or step.follows_on_dossier_page):
        return reverse("workflows:application_detail", args=[dossier.pk])
    return routing.task_url(task)


@register.simple_tag
def application_of(journey: Journey) -> Application | None:
    """The application opened from ``journey``, if any (``{% application_of journey as a %}``)."""
    return Application.objects.filter(source_journey=journey).first()


@register.simple_tag
def sessions_taking_dossiers() -> Any:
    """Committee sessions a dossier may be moved to (for the staff form)."""
    return open_sessions()

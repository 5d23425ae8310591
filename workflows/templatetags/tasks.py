"""Template helpers for steps: ``{{ task|task_url }}``."""

from __future__ import annotations

from django import template
from viewflow.workflow.models import Task

from workflows import task_urls
from workflows.models import Application, Journey

register = template.Library()


@register.filter
def task_url(task: Task) -> str:
    return task_urls.task_url(task)


@register.simple_tag
def application_of(journey: Journey) -> Application | None:
    """The application opened from ``journey``, if any (``{% application_of journey as a %}``)."""
    return Application.objects.filter(source_journey=journey).first()

"""Template helpers for steps: ``{{ task|task_url }}``."""

from __future__ import annotations

from django import template
from viewflow.workflow.models import Task

from workflows import task_urls

register = template.Library()


@register.filter
def task_url(task: Task) -> str:
    return task_urls.task_url(task)

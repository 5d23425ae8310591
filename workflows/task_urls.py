"""Where each open step is handled: the journey's generic step page, or the application's."""

from __future__ import annotations

from django.urls import reverse
from viewflow.workflow.models import Task


def task_url(task: Task) -> str:
    """The page handling ``task``, chosen by its flow."""
    from .flows_application import ApplicationFlow

    if task.flow_task.flow_class is ApplicationFlow:
        return reverse("workflows:application_step", args=[task.pk])
    return reverse("workflows:task", args=[task.pk])

"""Where each open step is handled, and which dossier it belongs to, chosen by its flow."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from viewflow.workflow.models import Task


def task_url(task: Task) -> str:
    """The page handling ``task``, chosen by its flow."""
    from funding.flows import FundingLineFlow
    from reviewers.flows import ScoringFlow
    from workflows.application.flows import ApplicationFlow

    flow_class = task.flow_task.flow_class
    if flow_class is ApplicationFlow:
        return reverse("workflows:application_step", args=[task.pk])
    if flow_class is ScoringFlow:
        return reverse("workflows:scoring_step", args=[task.pk])
    if flow_class is FundingLineFlow:
        return reverse("workflows:funding_line_step", args=[task.pk])
    return reverse("workflows:task", args=[task.pk])


def task_dossier(task: Task) -> Any:
    """The journey or application a step belongs to (the scoring's or line's dossier);
    already loaded when the step comes from ``selectors.with_dossiers``."""
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

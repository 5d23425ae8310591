"""Completing a human step safely: lock, check, act, move on — in one transaction.

A second click, a second tab or a colleague acting at the same moment finds the task no
longer open once it holds the lock, and gets a clear message instead of a second completion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.exceptions import ApplicationError
from accounts.models import User

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)

Result = TypeVar("Result")


class TaskNotOpen(ApplicationError):
    """The step was already completed, cancelled, or taken by someone else."""


def task_can_act(*, task: Task, user: User) -> bool:
    """Whether ``user`` may perform this open step (take it, or already holds it)."""
    if task.status not in OPEN_STATUSES:
        return False
    if task.owner_id is not None:
        return task.owner_id == user.pk
    return bool(task.flow_task.can_assign(user, task))


def task_perform(*, task: Task, user: User, perform: Callable[[Any], Result]) -> Result:
    """Run ``perform`` on the step's process (the journey, the application, a scoring or a
    funding line) and complete the step, or change nothing at all."""
    try:
        with transaction.atomic(), task.activation() as activation:
            if task.status not in OPEN_STATUSES:
                raise TaskNotOpen("Cette étape a déjà été traitée : rien n'a été modifié.")
            if not task_can_act(task=task, user=user):
                if task.owner_id is not None:
                    raise TaskNotOpen("Quelqu'un d'autre traite déjà cette étape.")
                raise PermissionDenied("Vous ne pouvez pas traiter cette étape.")
            if task.status == STATUS.NEW:
                activation.assign(user)
            activation.start(None)
            result = perform(activation.process)
            activation.execute()
            return result
    except FlowLockFailed as error:
        raise TaskNotOpen(
            "Ce dossier est en cours de modification par quelqu'un d'autre : réessayez dans "
            "un instant."
        ) from error

"""Completing a human step safely: lock, check, act, move on — in one transaction.

A second click, a second tab or a colleague acting at the same moment finds the task no
longer open once it holds the lock, and gets a clear message instead of a second completion.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.flow.nodes import Handle
from viewflow.workflow.models import Process, Task
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


def process_lock(process: Process) -> AbstractContextManager[Any]:
    """The lock of ``process``'s flow on it (the row lock of ``workflows.locking``): what a
    service holds while it changes a dossier outside a step. Re-entrant within a transaction."""
    lock: AbstractContextManager[Any] = process.flow_class.lock(process.pk)
    return lock


def process_cancel(process: Process) -> None:
    """Cancel every open step of ``process`` through its own flow (call under its lock)."""
    process.flow_class.instance.cancel(process)


def processes_cancel_open(processes: QuerySet[Any]) -> int:
    """Cancel the processes of ``processes`` still running, each under its own lock (child
    processes of a dossier: scorings when the committee has deliberated, or on withdrawal)."""
    cancelled = 0
    for process in processes.filter(status=STATUS.NEW):
        with process_lock(process):
            process.refresh_from_db()
            if process.status == STATUS.NEW:
                process_cancel(process)
                cancelled += 1
    return cancelled


def process_resume(process: Process) -> bool:
    """Run the wait (a ``Handle`` node) where ``process`` stands, if it stands at one: a child
    process telling its parent it may go on. Call under ``process``'s lock."""
    for task in process.task_set.filter(status=STATUS.NEW, flow_task_type="FUNCTION"):
        if isinstance(task.flow_task, Handle):
            task.flow_task.run(task)
            return True
    return False

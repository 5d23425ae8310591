"""Taking the open step of a demo process through the real engine, as its user would."""

from __future__ import annotations

from typing import Any

from viewflow.workflow.models import Task

from accounts.models import User
from workflows.engine import task_perform


def take_step(process: Any, node: Any, user: User, perform: Any) -> None:
    task = Task.objects.get(process_id=process.pk, flow_task=node, status__in=["NEW", "ASSIGNED"])
    task_perform(task=task, user=user, perform=perform)


def open_task(process: Any) -> Task:
    return Task.objects.get(
        process_id=process.pk, flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"]
    )

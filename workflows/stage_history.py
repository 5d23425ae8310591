"""The one writer of ``StageChange``: receivers on the save of a journey or an application.

About twenty services set ``stage`` (some by tuple assignment); rather than asking each to
remember the history, the value loaded from the database is kept on the instance
(``post_init``, and again after ``refresh_from_db``: ``StageRemembered``) and compared after
each save (``post_save``): a new row when it differs, or when the dossier is created. A save inside a rolled-back transaction leaves no row, since the
row is written in the same transaction. A queryset ``update`` of the stage would bypass the signals:
no code does it on these models (tests/workflows/test_stage_history.py reads the code).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_init, post_save
from django.utils import timezone

from workflows.models import Application, Journey, StageChange
from workflows.models.history import STAGE_LOADED as LOADED


def _remember(sender: Any, instance: Journey | Application, **kwargs: Any) -> None:
    # A deferred ``stage`` (``.only()``) is not read here: that would cost a query per row.
    setattr(instance, LOADED, instance.__dict__.get("stage"))


def _record(sender: Any, instance: Journey | Application, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and "stage" not in fields:
        return
    before = getattr(instance, LOADED, None)
    if created or before != instance.stage:
        dossier = (
            {"journey": instance} if isinstance(instance, Journey) else {"application": instance}
        )
        StageChange.objects.create(stage=instance.stage, at=timezone.now(), **dossier)
    setattr(instance, LOADED, instance.stage)


def connect() -> None:
    for model in (Journey, Application):
        post_init.connect(_remember, sender=model, dispatch_uid=f"stage_loaded_{model.__name__}")
        post_save.connect(_record, sender=model, dispatch_uid=f"stage_change_{model.__name__}")

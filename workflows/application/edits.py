"""The application's history of changes, one line per field and sitting: the form saves
itself as the person types, and the history must stay readable and its size independent of
how often the page saved."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from workflows.models import Application, ApplicationEdit, Mandate


def ongoing_edits(
    *, application: Application, actor: User, mandate: Mandate | None
) -> dict[str, ApplicationEdit]:
    """The fields ``actor`` is still editing: the last change of each field, when it is
    theirs (under the same mandate) and younger than ``APPLICATION_EDIT_SESSION_MINUTES``."""
    since = timezone.now() - datetime.timedelta(minutes=settings.APPLICATION_EDIT_SESSION_MINUTES)
    latest: dict[str, ApplicationEdit] = {}
    for edit in application.edits.filter(edited_at__gte=since).order_by("edited_at", "pk"):
        latest[edit.field] = edit
    mandate_id = mandate.pk if mandate else None
    return {
        name: edit
        for name, edit in latest.items()
        if edit.editor_id == actor.pk and edit.mandate_id == mandate_id
    }


def edit_record(
    *,
    application: Application,
    actor: User,
    mandate: Mandate | None,
    name: str,
    old: str,
    new: str,
    ongoing: ApplicationEdit | None,
) -> None:
    """Record that ``name`` went from ``old`` to ``new``; within a sitting, the line of the
    sitting keeps its first old value and takes the new one."""
    if ongoing is not None:
        ongoing.new_value, ongoing.edited_at = new, timezone.now()
        ongoing.save(update_fields=["new_value", "edited_at"])
        return
    ApplicationEdit.objects.create(
        application=application,
        field=name,
        old_value=old,
        new_value=new,
        editor=actor,
        mandate=mandate,
    )

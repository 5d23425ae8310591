"""What a dossier leaves outside its own tables: notifications about it, object permissions
on it, and the workflow engine's rows (processes and tasks) with their ``data``."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.models import Process, Task

from notifications.models import Notification
from privacy.models import SuspendedGrant

from .texts import REDACTED


def dossier_refs(*, journey_pk: int, application_pk: int | None) -> list[str]:
    """The references notifications file a dossier under (``workflows.notify``)."""
    refs = [f"workflows.journey:{journey_pk}"]
    if application_pk is not None:
        refs.append(f"workflows.application:{application_pk}")
    return refs


def notifications_delete(*, refs: Collection[str]) -> int:
    """Delete the notifications about these dossiers (to anyone): their subject and body
    name the project; the dossier's own history keeps the facts."""
    deleted, _ = Notification.objects.filter(dossier_ref__in=refs).delete()
    return deleted


def object_permissions_delete(objects: Collection[Model]) -> int:
    """Delete the guardian rows granted on ``objects`` (no foreign key cascades to them),
    and those set aside while the holder's consent to partner sharing was withdrawn."""
    condition = Q(pk__in=[])
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)
        condition |= Q(content_type=content_type, object_pk=str(obj.pk))
    # Rows set aside while the holder's consent was withdrawn would come back on renewal.
    deleted = SuspendedGrant.objects.filter(condition).delete()[0]
    for model in (GroupObjectPermission, UserObjectPermission):
        # One by one, so that the audit trail records each revoke (its receivers).
        for row in model.objects.filter(condition):
            row.delete()
            deleted += 1
    return deleted


def engine_data_clear(process_ids: Collection[int]) -> int:
    """Empty the ``data`` of the processes and of their tasks (free-form JSON the engine
    may fill); a number of rows that still had some."""
    processes = Process.objects.filter(
        Q(pk__in=process_ids) | Q(parent_task__process_id__in=process_ids)
    )
    ids = list(processes.values_list("pk", flat=True))
    cleared = Process.objects.filter(pk__in=ids).exclude(data={}).update(data={})
    cleared += Task.objects.filter(process_id__in=ids).exclude(data={}).update(data={})
    return cleared


def admin_log_scrub(objects: Collection[Model]) -> int:
    """The admin's history of changes names each object as it was (``object_repr``) and
    says which fields changed: both are blanked, the dates and authors stay."""
    condition = Q(pk__in=[])
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)
        condition |= Q(content_type=content_type, object_id=str(obj.pk))
    rows = LogEntry.objects.filter(condition).exclude(object_repr=REDACTED, change_message="")
    return rows.update(object_repr=REDACTED, change_message="")

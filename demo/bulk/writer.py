"""Batched inserts, viewflow processes included.

``bulk_create`` refuses models with a concrete parent (``Journey``, ``Application`` and
``FundingLine`` extend viewflow's ``Process``): their parent rows are bulk-created first,
which gives the keys, then the child rows are inserted with the same keys by the query Django
itself uses in ``Model.save()``. No signal is sent and no service runs: the rows are the
data the aggregates read, not a history the engine wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)
BATCH = 1000


def insert(model: type[M], objs: Sequence[M]) -> Sequence[M]:
    """Insert ``objs`` (their keys are set on them, on SQLite as on PostgreSQL)."""
    if not objs:
        return objs
    parents = model._meta.parents
    if not parents:
        model._base_manager.bulk_create(objs, batch_size=BATCH)
        return objs
    ((parent, _link),) = parents.items()
    names = [f.attname for f in parent._meta.concrete_fields if not f.primary_key]
    rows = [parent(**{n: getattr(obj, n) for n in names}) for obj in objs]
    parent._base_manager.bulk_create(rows, batch_size=BATCH)
    parent_key = str(getattr(parent._meta.pk, "attname", "id"))
    for obj, row in zip(objs, rows, strict=True):
        obj.pk = row.pk  # the link to the parent row is the child's key
        setattr(obj, parent_key, row.pk)
        obj._state.adding = False
    fields = list(model._meta.local_concrete_fields)
    manager: Any = model._base_manager
    size = connection.ops.bulk_batch_size(fields, objs) or BATCH
    for start in range(0, len(objs), min(size, BATCH)):
        manager._insert(objs[start : start + min(size, BATCH)], fields=fields)
    return objs


def set_current_qpv(project_ids: Sequence[int]) -> None:
    """Point each project at its latest QPV finding, as the QPV services do: one
    statement per batch (a ``bulk_update`` would send a CASE per row)."""
    if not project_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE applicants_project SET current_qpv_id = ("
            " SELECT MAX(d.id) FROM applicants_qpvdetermination d"
            " WHERE d.project_id = applicants_project.id)"
            " WHERE id BETWEEN %s AND %s",
            [min(project_ids), max(project_ids)],
        )

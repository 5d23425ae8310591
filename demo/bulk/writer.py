"""Batched inserts, viewflow processes included.

Rows whose keys the next tables need (users, structures, projects, viewflow's process rows)
go through ``bulk_create``, which returns the keys on SQLite as on PostgreSQL. Every other
row (``keys=False``, and the child rows of ``Journey``, ``Application`` and ``FundingLine``,
which ``bulk_create`` refuses because they extend viewflow's ``Process``) is sent by one
``executemany`` of plain values: Django's insert compiler costs more per value than the
database does. No signal is sent and no service runs: the rows are the data the aggregates
read, not a history the engine wrote.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)
BATCH = 1000
PLAIN = (str, int, float, bool, type(None))


def insert(model: type[M], objs: Sequence[M], *, keys: bool = True) -> Sequence[M]:
    """Insert ``objs``; with ``keys`` their new keys are set on them."""
    if not objs:
        return objs
    parents = model._meta.parents
    if not parents:
        if keys:
            model._base_manager.bulk_create(objs, batch_size=BATCH)
        else:
            _send(model, objs, list(model._meta.concrete_fields))
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
    _send(model, objs, list(model._meta.local_concrete_fields))
    return objs


def _send(model: type[models.Model], objs: Sequence[models.Model], fields: list[Any]) -> None:
    """One ``executemany`` of the rows' database values (keys left to the database when
    unset)."""
    pk = model._meta.pk
    if pk is not None and not pk.is_relation and getattr(objs[0], pk.attname) is None:
        fields = [f for f in fields if f is not pk]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - names from model meta
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = [tuple(_value(f, obj) for f in fields) for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _value(field: Any, obj: models.Model) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = field.pre_save(obj, True)
    else:
        value = getattr(obj, field.attname)
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, PLAIN):
        return value
    return field.get_db_prep_save(value, connection)


def set_current_qpv(project_ids: Sequence[int]) -> None:
    """Point each project at its latest QPV finding, as the QPV services do: one statement
    per batch (a ``bulk_update`` would send a CASE per row)."""
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

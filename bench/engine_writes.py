"""P5's engine arm recorded: each row one engine run inserts, step by step, as a plan."""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection, models
from psycopg import sql

from accounts.models import User
from audit.models import AuditRecord
from demo.stamping import id_space

INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField"}
INSERT_INTO = re.compile(r'INSERT INTO "([^"]+)"')
Model = type[models.Model]


# The project's tables --------------------------------------------------------------------


@cache
def tables() -> dict[str, Model]:
    """Every table with rows of its own: concrete, managed, not a proxy."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            found[model._meta.db_table] = model
    return found


def _integer_keys(model: Model) -> bool:
    return id_space(model)._meta.pk.get_internal_type() in INTEGER_KEYS


def root_model(model: Model) -> Model:
    """The first ancestor of a multi-table child: the child's row and its parents' rows are
    one object, written by one ``create()``."""
    parents = model._meta.get_parent_list()
    return parents[-1] if parents else model


def _select(statement: str, table: str, pk: str) -> sql.Composed:
    return sql.SQL(statement).format(table=sql.Identifier(table), pk=sql.Identifier(pk))


def table_marks() -> dict[str, Any]:
    """The highest key of each table now (the set of keys when they are not a sequence's)."""
    marks: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table, model in tables().items():
            pk = model._meta.pk.column
            if _integer_keys(model):
                cursor.execute(_select("SELECT coalesce(max({pk}), 0) FROM {table}", table, pk))
                marks[table] = cursor.fetchone()[0]
            else:
                cursor.execute(_select("SELECT {pk} FROM {table}", table, pk))
                marks[table] = {row[0] for row in cursor.fetchall()}
    return marks


def _keys_since(cursor: Any, table: str, mark: Any) -> list[Any]:
    """Keys the table got since ``mark`` (see ``table_marks``), in the order they were given."""
    pk = tables()[table]._meta.pk.column
    if isinstance(mark, set):
        cursor.execute(_select("SELECT {pk} FROM {table}", table, pk))
        return [row[0] for row in cursor.fetchall() if row[0] not in mark]
    cursor.execute(
        _select("SELECT {pk} FROM {table} WHERE {pk} > %s ORDER BY {pk}", table, pk), [mark]
    )
    return [row[0] for row in cursor.fetchall()]


def rows_since(marks: dict[str, Any]) -> dict[str, int]:
    """Rows each table gained since ``marks``; tables that gained none are left out."""
    gained = {}
    with connection.cursor() as cursor:
        for table, mark in marks.items():
            count = len(_keys_since(cursor, table, mark))
            if count:
                gained[table] = count
    return dict(sorted(gained.items()))


# What one engine run writes --------------------------------------------------------------


@dataclass
class Insert:
    step: int  # 0: outside any transaction of the engine's, else which one
    model: Model
    key: Any


class InsertLog:
    """An execute wrapper: after each INSERT, the keys its table just got; after each
    top-level SAVEPOINT, a new step. Its own reads bypass Django (not counted, not logged)."""

    def __init__(self, marks: dict[str, Any]) -> None:
        self.marks = {t: set(m) if isinstance(m, set) else m for t, m in marks.items()}
        self.depth = 0
        self.steps = 0
        self.inserts: list[Insert] = []

    def __call__(self, execute: Any, sql_: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql_, params, many, context)
        if sql_.startswith("SAVEPOINT"):
            self.depth += 1
            if self.depth == 1:
                self.steps += 1
        elif sql_.startswith("RELEASE SAVEPOINT"):
            self.depth -= 1
        elif match := INSERT_INTO.search(sql_):  # also after the audit chain's lock
            self._note(context["connection"].connection, match.group(1))
        return result

    def _note(self, raw: Any, table: str) -> None:
        with raw.cursor() as cursor:
            keys = _keys_since(cursor, table, self.marks[table])
        mark = self.marks[table]
        if isinstance(mark, set):
            mark.update(keys)
        elif keys:
            self.marks[table] = keys[-1]
        step = self.steps if self.depth else 0
        model = tables()[table]
        self.inserts.extend(Insert(step, model, key) for key in keys)


@dataclass
class Row:
    model: Model
    key: Any
    values: dict[str, Any]


@dataclass
class Step:
    savepoint: bool
    rows: list[Row] = field(default_factory=list)


@dataclass
class Plan:
    """The rows of one engine run, step by step, and what it cost."""

    steps: list[Step]
    rows: dict[str, int]
    queries: collections.Counter[str]
    users: dict[Any, User]


def _objects(inserts: list[Insert]) -> list[Insert]:
    """One entry per object, at its first insert: a multi-table child's rows (parent table
    first) become one entry of the child model."""
    first: dict[tuple[Model, Any], Insert] = {}
    for insert in inserts:
        known = first.setdefault((root_model(insert.model), insert.key), insert)
        depth = len(insert.model._meta.get_parent_list())
        if depth > len(known.model._meta.get_parent_list()):
            known.model = insert.model
    return list(first.values())


def _values(objects: list[Insert]) -> dict[tuple[Model, Any], dict[str, Any]]:
    """Final values of each object still there (some are deleted before the end)."""
    keys: dict[Model, list[Any]] = collections.defaultdict(list)
    for insert in objects:
        keys[insert.model].append(insert.key)
    found = {}
    for model, pks in keys.items():
        names = [f.attname for f in model._meta.concrete_fields]
        for values in model._base_manager.filter(pk__in=pks).values(*names):
            found[(model, values[model._meta.pk.attname])] = values
    return found


def plan_steps(inserts: list[Insert]) -> list[Step]:
    objects = _objects(inserts)
    values = _values(objects)
    steps: list[Step] = []
    current = -1
    for insert in objects:
        row_values = values.get((insert.model, insert.key))
        if row_values is None:
            continue  # deleted before the end of the journey
        if not steps or insert.step != current:
            steps.append(Step(savepoint=bool(insert.step)))
            current = insert.step
        steps[-1].rows.append(Row(insert.model, insert.key, row_values))
    return steps


def audit_actors(steps: list[Step]) -> dict[Any, User]:
    """The users named by audit records, read before the ORM arm is timed."""
    ids = {r.values["actor_id"] for s in steps for r in s.rows if r.model is AuditRecord}
    return {user.pk: user for user in User.objects.filter(pk__in=ids - {None})}

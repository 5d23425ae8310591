"""Copy rows the engine wrote, many times over, for load and benchmark data.

Driving 100 000 dossiers through the engine would take hours, and writing their rows by hand
would measure a database no engine would ever produce. Instead, a few dossiers are driven
through the real engine (the demo), then every row that hangs from them is stamped ``copies``
times with fresh primary keys: the copies have exactly the shape the engine gives a dossier
(tasks, task links, grants, events, notifications), and the engine can carry on with any of
them (tests/workflows/test_scale_seed.py drives stamped dossiers forward).

Which rows hang from the roots is found by following foreign keys backwards until nothing new
turns up: a row is copied when one of its foreign keys, or one of its generic references
(guardian's ``object_pk``, viewflow's task permission object), points at a copied row. A
foreign key to a copied row is moved to the copy; one to a shared row (MEL staff, financiers,
a committee session kept shared, reference data) is kept. Unique text (e-mail, slug, group
name, notification key) gets a per-copy mark.

Audit records are not copied: the audit chain is a hash chain and stamping cannot extend it
honestly. Uploaded files are shared by name between a row and its copies.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction

# Models whose rows may be copied; everything else (reference data, permissions, content
# types, the audit chain, sessions, login attempts) is shared by every copy.
COPYABLE_APPS = {
    "accounts",
    "applicants",
    "documents",
    "guardian",
    "notifications",
    "reviewers",
    "viewflow",
    "workflows",
}
NEVER_COPIED = {
    "applicants.Commune",
    "applicants.QpvArea",
    "applicants.QpvArea_communes",
    "applicants.LegalForm",
}
# ``funding`` also holds the programme's rules (shared): only a dossier's money is copied.
EXTRA_COPYABLE = {
    "auth.Group",
    "auth.Group_permissions",
    "funding.FundingLine",
    "funding.Convention",
    "funding.Tranche",
    "funding.FollowUpReport",
}

# (content type column, object id column) pairs that point at a row of any model.
GENERIC_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "guardian.UserObjectPermission": (("content_type_id", "object_pk"),),
    "guardian.GroupObjectPermission": (("content_type_id", "object_pk"),),
    "viewflow.Task": (
        ("owner_permission_content_type_id", "owner_permission_obj_pk"),
        ("seed_content_type_id", "seed_object_id"),
        ("artifact_content_type_id", "artifact_object_id"),
    ),
    "viewflow.Process": (
        ("seed_content_type_id", "seed_object_id"),
        ("artifact_content_type_id", "artifact_object_id"),
    ),
}


def _prefix(value: str, mark: str) -> str:
    return f"{mark}.{value}"


def _suffix(value: str, mark: str) -> str:
    return f"{value}-{mark}"


def _new_uuid(value: Any, mark: str) -> str:
    # As 32 hex digits: what SQLite keeps in a UUID column, and what PostgreSQL reads too.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{value}/{mark}").hex


# Unique columns other than keys, and how a copy's value is made unique.
UNIQUE_TEXT: dict[str, dict[str, Callable[[Any, str], Any]]] = {
    "accounts.User": {"email": _prefix},
    "accounts.Organisation": {"slug": _suffix},
    "auth.Group": {"name": _suffix},
    "notifications.Notification": {"key": _suffix},
    "documents.Document": {"public_id": _new_uuid},
}


def copyable_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if model._meta.proxy or label in NEVER_COPIED:
            continue
        if model._meta.app_label in COPYABLE_APPS or label in EXTRA_COPYABLE:
            found.append(model)
    return found


def id_space(model: type[models.Model]) -> type[models.Model]:
    """The model whose sequence gives ``model`` its keys (a child table or a profile keyed
    by a one-to-one link shares its parent's)."""
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has a key
    if pk.is_relation and pk.related_model is not None:
        return id_space(pk.related_model)  # type: ignore[arg-type]
    return model


@dataclass
class _Selection:
    """Keys of the rows to copy, per model, and those found in the last round."""

    keys: dict[type[models.Model], set[Any]] = field(default_factory=dict)
    fresh: dict[type[models.Model], set[Any]] = field(default_factory=dict)

    def add(self, model: type[models.Model], pks: Iterable[Any]) -> None:
        current = self.keys.setdefault(model, set())
        new = {pk for pk in pks if pk is not None} - current
        if new:
            current.update(new)
            self.fresh.setdefault(model, set()).update(new)

    def take_fresh(self) -> dict[type[models.Model], set[Any]]:
        fresh, self.fresh = self.fresh, {}
        return fresh


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    size = min(connection.features.max_query_params or 10000, 10000) - 10
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _select(roots: dict[type[models.Model], Iterable[Any]]) -> _Selection:
    """Follow references backwards from the roots, each round asking only about the rows
    found in the round before, until a round finds nothing."""
    selection = _Selection()
    for model, pks in roots.items():
        selection.add(model, pks)
    candidates = copyable_models()
    by_label = {m._meta.label_lower: m for m in candidates}
    content_types = {
        ct.pk: by_label.get(f"{ct.app_label}.{ct.model}") for ct in ContentType.objects.all()
    }
    _add_parents(selection)
    while fresh := selection.take_fresh():
        for model in candidates:
            for pks in _referencing(model, fresh, content_types):
                selection.add(model, pks)
        _add_parents(selection)
    return selection


def _add_parents(selection: _Selection) -> None:
    for model, pks in list(selection.keys.items()):
        for parent, link in model._meta.parents.items():
            if link is not None:
                selection.add(parent, pks)


def _referencing(
    model: type[models.Model],
    fresh: dict[type[models.Model], set[Any]],
    content_types: dict[int, type[models.Model] | None],
) -> Iterator[list[Any]]:
    """Keys of ``model`` rows that point at a freshly selected row (foreign or generic)."""
    pk_name = model._meta.pk.attname
    manager = model._default_manager
    for fk in model._meta.local_concrete_fields:
        target = fk.related_model if fk.is_relation else None
        if target is None or target not in fresh:
            continue
        for chunk in _chunks(sorted(fresh[target])):  # type: ignore[index]
            found = manager.filter(**{f"{fk.attname}__in": chunk})
            yield list(found.values_list(pk_name, flat=True))
    for ct_column, id_column in GENERIC_REFERENCES.get(model._meta.label, ()):
        as_text = isinstance(model._meta.get_field(id_column), models.CharField)
        for ct_id, target in content_types.items():
            if target is None or target not in fresh:
                continue
            ids = sorted(fresh[target])
            for chunk in _chunks([str(i) for i in ids] if as_text else ids):
                found = manager.filter(**{ct_column: ct_id, f"{id_column}__in": chunk})
                yield list(found.values_list(pk_name, flat=True))


@dataclass
class _KeyMap:
    """Where copy ``k`` of a selected row lands: base + k * n + rank (dense, no gaps)."""

    base: int
    ranks: dict[Any, int]

    def moved(self, old: Any, copy: int) -> Any:
        rank = self.ranks.get(old)
        if rank is None:
            return old
        return self.base + copy * len(self.ranks) + rank


def _key_maps(selection: _Selection) -> dict[type[models.Model], _KeyMap]:
    maps: dict[type[models.Model], _KeyMap] = {}
    for model, pks in selection.keys.items():
        if id_space(model) is not model:
            continue
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
        maps[model] = _KeyMap(base=top, ranks={pk: i + 1 for i, pk in enumerate(sorted(pks))})
    for model in selection.keys:
        space = id_space(model)
        if space is not model:
            maps[model] = maps[space]
    return maps


@dataclass
class _Column:
    """How one column of a copied row is made."""

    name: str
    make: Callable[[Any, int], Any]


def _columns(
    model: type[models.Model],
    maps: dict[type[models.Model], _KeyMap],
    mark: Callable[[int], str],
    shift: Callable[[int], datetime.timedelta],
) -> list[_Column]:
    columns: list[_Column] = []
    content_types = {ct.pk: ct.model_class() for ct in ContentType.objects.all()}
    generic_ids = {
        id_column: ct_column
        for ct_column, id_column in GENERIC_REFERENCES.get(model._meta.label, ())
    }
    unique = UNIQUE_TEXT.get(model._meta.label, {})
    for f in model._meta.local_concrete_fields:
        columns.append(_Column(f.column, _maker(f, maps, mark, shift, unique)))
    for i, column in enumerate(columns):
        if column.name in generic_ids:
            columns[i] = _Column(
                column.name, _generic_maker(model, column.name, generic_ids, maps, content_types)
            )
    return columns


def _maker(
    f: Any,
    maps: dict[type[models.Model], _KeyMap],
    mark: Callable[[int], str],
    shift: Callable[[int], datetime.timedelta],
    unique: dict[str, Callable[[Any, str], Any]],
) -> Callable[[Any, int], Any]:
    if f.primary_key and not f.is_relation:
        key_map = maps[f.model]
        return key_map.moved
    if f.is_relation and f.related_model in maps:
        key_map = maps[f.related_model]
        return key_map.moved
    if f.name in unique:
        transform = unique[f.name]
        return lambda value, k: transform(value, mark(k))
    if isinstance(f, models.DateTimeField | models.DateField):
        return lambda value, k: value - shift(k) if value is not None else None
    if isinstance(f, models.JSONField):
        return lambda value, k: (
            value if value is None or isinstance(value, str) else json.dumps(value)
        )
    return lambda value, k: value


def _generic_maker(
    model: type[models.Model],
    id_column: str,
    generic_ids: dict[str, str],
    maps: dict[type[models.Model], _KeyMap],
    content_types: dict[int, type[models.Model] | None],
) -> Callable[[Any, int], Any]:
    """The generic id column reads its content type column, resolved in ``_copy_row``."""
    as_text = isinstance(model._meta.get_field(id_column), models.CharField)

    def make(pair: Any, k: int) -> Any:
        ct_id, value = pair
        target = content_types.get(ct_id)
        if value is None or target not in maps:
            return value
        moved = maps[target].moved(int(value), k)
        return str(moved) if as_text else moved

    make.generic_of = generic_ids[id_column]  # type: ignore[attr-defined]
    return make


def stamp(
    *,
    roots: dict[type[models.Model], Iterable[Any]],
    copies: int,
    mark: Callable[[int], str],
    shift: Callable[[int], datetime.timedelta] = lambda k: datetime.timedelta(0),
) -> dict[str, int]:
    """Copy every row hanging from ``roots`` ``copies`` times, in one transaction.
    ``mark(k)`` makes copy k's unique text unique; ``shift(k)`` moves its dates back.
    Returns the number of rows written per table."""
    written: dict[str, int] = {}
    if copies <= 0:
        return written
    with transaction.atomic():
        selection = _select(roots)
        maps = _key_maps(selection)
        for model, pks in selection.keys.items():
            if not pks:
                continue
            rows = _read(model, sorted(pks))
            columns = _columns(model, maps, mark, shift)
            written[model._meta.db_table] = _write(model, columns, rows, copies)
        _reset_sequences(list(maps))
    return written


def _read(model: type[models.Model], pks: list[Any]) -> list[dict[str, Any]]:
    table = connection.ops.quote_name(model._meta.db_table)
    names = [f.column for f in model._meta.local_concrete_fields]
    pk_column = model._meta.pk.column
    rows: list[dict[str, Any]] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(pks):
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {', '.join(connection.ops.quote_name(n) for n in names)} "  # noqa: S608 - names from model meta
                f"FROM {table} WHERE {connection.ops.quote_name(pk_column)} IN ({placeholders})",
                chunk,
            )
            rows.extend(dict(zip(names, row, strict=True)) for row in cursor.fetchall())
    return rows


def _copy_row(row: dict[str, Any], columns: list[_Column], k: int) -> tuple[Any, ...]:
    values = []
    for column in columns:
        generic_of = getattr(column.make, "generic_of", None)
        if generic_of is not None:
            values.append(column.make((row[generic_of], row[column.name]), k))
        else:
            values.append(column.make(row[column.name], k))
    return tuple(values)


def _write(
    model: type[models.Model], columns: list[_Column], rows: list[dict[str, Any]], copies: int
) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c.name) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for k in range(copies):
                    for row in rows:
                        copy.write_row(_copy_row(row, columns, k))
                        count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names from model meta
        for k in range(copies):
            batch = [_copy_row(row, columns, k) for row in rows]
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

"""P5 — what the engine costs: the wall time of a dossier's whole life driven through
viewflow and the services, divided by the time the bare ORM takes to write the same rows.
Both arms run in one process, interleaved, each in a transaction rolled back at its end.
Target: median ratio ≤ 2.

The journey is ``bench.lifecycle.whole_life``: first contact → triage → orientation
accepted → support → ready → application filed → complete → eligible → instructed →
scored → favourable → grant signed → convention → advance → reports → balance → closed.

The ORM arm replays what one engine run left behind: every row inserted (found after each
INSERT, in the order the engine wrote them) with its final values, one
``Model.objects.create()`` at a time, new keys, references moved to the new rows, one
savepoint per top-level transaction of the engine. No viewflow, no lock, no permission
check. Audit records are not copied (the chain is hashed): the same number is appended
through ``audit.services.audit_record``, part of them by the audit receivers that the
plain ORM writes of grants and deliberations set off, as in any honest application.
"""

from __future__ import annotations

import collections
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from accounts.models import Organisation, User
from audit.models import AuditRecord
from audit.services import audit_record
from demo.stamping import GENERIC_REFERENCES, id_space
from workflows.models import Journey

from . import lifecycle
from .context import BenchContext
from .report import Figure

ROUNDS = 7
MAX_RATIO = 2.0
SUPPORT_SLUG = "demo-cae-lille"  # the organisation of the incubator persona
LABEL = "p5-parcours"
JOURNEY = (
    "premier contact → tri → orientation acceptée → accompagnement → prêt → candidature "
    "déposée → complète → éligible → instruite → notée → avis favorable → subvention signée "
    "→ convention → avance → rapports → solde → clôturée"
)
INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField"}
INSERT_INTO = re.compile(r'INSERT INTO "([^"]+)"')

T = TypeVar("T")
Model = type[models.Model]


class _Rollback(Exception):
    pass


def _rolled_back(work: Callable[[], T]) -> T:
    """Run ``work`` in a transaction that is always rolled back; return what it returned."""
    done: list[T] = []
    try:
        with transaction.atomic():
            done.append(work())
            raise _Rollback
    except _Rollback:
        pass
    return done[0]


# The project's tables --------------------------------------------------------------------


@cache
def _tables() -> dict[str, Model]:
    """Every table with rows of its own: concrete, managed, not a proxy."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            found[model._meta.db_table] = model
    return found


def _integer_keys(model: Model) -> bool:
    return id_space(model)._meta.pk.get_internal_type() in INTEGER_KEYS


def _root(model: Model) -> Model:
    """The first ancestor of a multi-table child: the child's row and its parents' rows are
    one object, written by one ``create()``."""
    parents = model._meta.get_parent_list()
    return parents[-1] if parents else model


def _select(statement: str, table: str, pk: str) -> sql.Composed:
    return sql.SQL(statement).format(table=sql.Identifier(table), pk=sql.Identifier(pk))


def _marks() -> dict[str, Any]:
    """The highest key of each table now (the set of keys when they are not a sequence's)."""
    marks: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table, model in _tables().items():
            pk = model._meta.pk.column
            if _integer_keys(model):
                cursor.execute(_select("SELECT coalesce(max({pk}), 0) FROM {table}", table, pk))
                marks[table] = cursor.fetchone()[0]
            else:
                cursor.execute(_select("SELECT {pk} FROM {table}", table, pk))
                marks[table] = {row[0] for row in cursor.fetchall()}
    return marks


def _keys_since(cursor: Any, table: str, mark: Any) -> list[Any]:
    """Keys the table got since ``mark`` (see ``_marks``), in the order they were given."""
    pk = _tables()[table]._meta.pk.column
    if isinstance(mark, set):
        cursor.execute(_select("SELECT {pk} FROM {table}", table, pk))
        return [row[0] for row in cursor.fetchall() if row[0] not in mark]
    cursor.execute(
        _select("SELECT {pk} FROM {table} WHERE {pk} > %s ORDER BY {pk}", table, pk), [mark]
    )
    return [row[0] for row in cursor.fetchall()]


def _rows_since(marks: dict[str, Any]) -> dict[str, int]:
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
class _Insert:
    step: int  # 0: outside any transaction of the engine's, else which one
    model: Model
    key: Any


class _InsertLog:
    """An execute wrapper: after each INSERT, the keys its table just got; after each
    top-level SAVEPOINT, a new step. Its own reads bypass Django (not counted, not logged)."""

    def __init__(self, marks: dict[str, Any]) -> None:
        self.marks = {t: set(m) if isinstance(m, set) else m for t, m in marks.items()}
        self.depth = 0
        self.steps = 0
        self.inserts: list[_Insert] = []

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
        model = _tables()[table]
        self.inserts.extend(_Insert(step, model, key) for key in keys)


@dataclass
class _Row:
    model: Model
    key: Any
    values: dict[str, Any]


@dataclass
class _Step:
    savepoint: bool
    rows: list[_Row] = field(default_factory=list)


@dataclass
class _Plan:
    """The rows of one engine run, step by step, and what it cost."""

    steps: list[_Step]
    rows: dict[str, int]
    queries: collections.Counter[str]
    users: dict[Any, User]


def _objects(inserts: list[_Insert]) -> list[_Insert]:
    """One entry per object, at its first insert: a multi-table child's rows (parent table
    first) become one entry of the child model."""
    first: dict[tuple[Model, Any], _Insert] = {}
    for insert in inserts:
        known = first.setdefault((_root(insert.model), insert.key), insert)
        depth = len(insert.model._meta.get_parent_list())
        if depth > len(known.model._meta.get_parent_list()):
            known.model = insert.model
    return list(first.values())


def _values(objects: list[_Insert]) -> dict[tuple[Model, Any], dict[str, Any]]:
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


def _steps(inserts: list[_Insert]) -> list[_Step]:
    objects = _objects(inserts)
    values = _values(objects)
    steps: list[_Step] = []
    current = -1
    for insert in objects:
        row_values = values.get((insert.model, insert.key))
        if row_values is None:
            continue  # deleted before the end of the journey
        if not steps or insert.step != current:
            steps.append(_Step(savepoint=bool(insert.step)))
            current = insert.step
        steps[-1].rows.append(_Row(insert.model, insert.key, row_values))
    return steps


def _actors(steps: list[_Step]) -> dict[Any, User]:
    """The users named by audit records, read before the ORM arm is timed."""
    ids = {r.values["actor_id"] for s in steps for r in s.rows if r.model is AuditRecord}
    return {user.pk: user for user in User.objects.filter(pk__in=ids - {None})}


def _engine_once(organisation: Organisation) -> _Plan:
    """One engine run, logged: the plan the ORM arm replays."""
    marks = _marks()
    log = _InsertLog(marks)
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(log):
        lifecycle.whole_life(label=LABEL, organisation=organisation)
    steps = _steps(log.inserts)
    return _Plan(steps, _rows_since(marks), _kinds(queries), _actors(steps))


def _kinds(queries: CaptureQueriesContext) -> collections.Counter[str]:
    return collections.Counter(q["sql"].split(None, 1)[0] for q in queries.captured_queries)


# The ORM arm -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    """A column of a model that points at a row: a foreign key, or a generic id."""

    attname: str
    target: Model | None  # None: generic, the model is read from ``type_column``
    nullable: bool
    type_column: str = ""
    as_text: bool = False


@cache
def _shape(model: Model) -> tuple[tuple[str, ...], tuple[_Reference, ...]]:
    """Columns a copy leaves to the database (own keys), and references to move."""
    blank: list[str] = []
    references: list[_Reference] = []
    for f in model._meta.concrete_fields:
        parent_link = f.is_relation and f.remote_field.parent_link  # type: ignore[union-attr]
        if (f.primary_key and not f.is_relation) or parent_link:
            blank.append(f.attname)
        elif f.is_relation and f.target_field.primary_key:  # type: ignore[attr-defined]
            references.append(_Reference(f.attname, f.related_model, f.null))  # type: ignore[arg-type]
    for type_column, id_column in GENERIC_REFERENCES.get(model._meta.label, ()):
        id_field = model._meta.get_field(id_column)
        as_text = isinstance(id_field, models.CharField)
        nullable = bool(getattr(id_field, "null", False))
        references.append(_Reference(id_column, None, nullable, type_column, as_text))
    return tuple(blank), tuple(references)


class _Replay:
    """Writes a plan's rows one at a time with the ORM. A reference to a row written later
    (the engine set it after inserting) is written when that row exists, by an update."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.moved: dict[tuple[Model, Any], Any] = {}
        self.ahead = {(_root(r.model), r.key) for s in plan.steps for r in s.rows}
        self.waiting: dict[tuple[Model, Any], list[tuple[Model, Any, _Reference]]] = {}
        self.users = dict(plan.users)
        self.audit_due = 0
        self.audit_written = 0

    def run(self) -> None:
        post_save.connect(self._audited, sender=AuditRecord, dispatch_uid="bench.p5")
        try:
            for step in self.plan.steps:
                if step.savepoint:
                    with transaction.atomic():
                        self._write_all(step.rows)
                else:
                    self._write_all(step.rows)
        finally:
            post_save.disconnect(sender=AuditRecord, dispatch_uid="bench.p5")

    def _audited(self, sender: Any, created: bool, **kwargs: Any) -> None:
        self.audit_written += created

    def _write_all(self, rows: list[_Row]) -> None:
        for row in rows:
            if row.model is AuditRecord:
                self._audit(row.values)
            else:
                self._write(row)

    def _write(self, row: _Row) -> None:
        blank, references = _shape(row.model)
        values = dict(row.values)
        for name in blank:
            values[name] = None
        later = []
        for reference in references:
            target = self._target(reference, values)
            old = values[reference.attname]
            if target is None or old is None:
                continue
            if (_root(target), _as_key(old)) in self.ahead:
                later.append((target, old, reference))
                # Not null: the old key stands in; foreign keys are checked at commit.
                values[reference.attname] = None if reference.nullable else old
            else:
                values[reference.attname] = self._moved(target, old, reference.as_text)
        created = row.model._default_manager.create(**values)
        self._done(row, created)
        for target, old, reference in later:
            key = (_root(target), _as_key(old))
            self.waiting.setdefault(key, []).append((row.model, created.pk, reference))

    def _target(self, reference: _Reference, values: dict[str, Any]) -> Model | None:
        if reference.target is not None:
            return reference.target
        type_id = values[reference.type_column]
        return None if type_id is None else ContentType.objects.get_for_id(type_id).model_class()

    def _moved(self, target: Model, old: Any, as_text: bool = False) -> Any:
        new = self.moved.get((id_space(target), _as_key(old)))
        if new is None:
            return old  # a row the journey shares (staff, session, reference data)
        return str(new) if as_text else new

    def _done(self, row: _Row, created: models.Model) -> None:
        """The row exists: later rows point at it, and so do the earlier ones waiting."""
        key = (_root(row.model), row.key)
        self.moved[(id_space(row.model), row.key)] = created.pk
        self.ahead.discard(key)
        if isinstance(created, User):
            self.users[created.pk] = created
        for model, pk, reference in self.waiting.pop(key, []):
            value = str(created.pk) if reference.as_text else created.pk
            model._base_manager.filter(pk=pk).update(**{reference.attname: value})

    def _audit(self, values: dict[str, Any]) -> None:
        """The engine appended a record here; append one unless the receivers of the rows
        just written already did."""
        self.audit_due += 1
        if self.audit_written >= self.audit_due:
            return
        actor_id = values["actor_id"]
        actor = self.users.get(self._moved(User, actor_id)) if actor_id else None
        audit_record(
            action=values["action"],
            actor=actor,
            object_ref=self._ref(values["object_ref"]),
            dossier_ref=self._ref(values["dossier_ref"]),
            summary=values["summary"],
            before=values["before"],
            after=values["after"],
        )

    def _ref(self, ref: str) -> str:
        """``"app.model:pk"`` moved to the new row, as the receivers would have written it."""
        label, _, pk = ref.partition(":")
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return ref
        return f"{label}:{self._moved(model, int(pk))}" if pk.isdigit() else ref


def _as_key(value: Any) -> Any:
    """Generic ids are stored as text; keys are integers."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _orm_once(plan: _Plan) -> tuple[dict[str, int], collections.Counter[str], bool]:
    """One ORM run, checked: rows per table, queries, whether every reference holds and
    every audit record due was written."""
    marks = _marks()
    replay = _Replay(plan)
    with CaptureQueriesContext(connection) as queries:
        replay.run()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # foreign keys checked now
    sound = not replay.waiting and replay.audit_due == replay.audit_written
    return _rows_since(marks), _kinds(queries), sound


# Timing ----------------------------------------------------------------------------------


@dataclass
class _Times:
    """Wall time and this process's CPU time (Python, not the database) of each run, ms."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def measure(self, work: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        self.cpu.append((time.process_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)


def _interleaved(organisation: Organisation, plan: _Plan) -> tuple[_Times, _Times]:
    engine, orm = _Times(), _Times()
    for _ in range(ROUNDS):
        _rolled_back(lambda: engine.measure(lambda: _whole_life(organisation)))
        replay = _Replay(plan)
        _rolled_back(lambda: orm.measure(replay.run))  # noqa: B023 - called at once
    return engine, orm


def _whole_life(organisation: Organisation) -> None:
    lifecycle.whole_life(label=LABEL, organisation=organisation)


def _ms(values: list[float]) -> float:
    return round(statistics.median(values), 1)


# The figure ------------------------------------------------------------------------------


def baseline(ctx: BenchContext) -> list[Figure]:
    journeys = Journey.objects.count()
    organisation = Organisation.objects.get(slug=SUPPORT_SLUG)
    plan = _rolled_back(lambda: _engine_once(organisation))
    orm_rows, orm_queries, sound = _rolled_back(lambda: _orm_once(plan))
    same = orm_rows == plan.rows and sound
    detail: dict[str, Any] = {
        "parcours": JOURNEY,
        "lignes écrites par table (moteur)": plan.rows,
        "lignes identiques (ORM = moteur)": same,
        "requêtes moteur": _summary(plan.queries),
        "requêtes ORM": _summary(orm_queries),
        "transactions de l'ORM (une par transaction du moteur)": sum(
            s.savepoint for s in plan.steps
        ),
    }
    if not same:
        detail["lignes écrites par table (ORM)"] = orm_rows
    if ctx.quick:
        detail["dossiers avant / après"] = [journeys, Journey.objects.count()]
        return [_figure(ctx, "non mesuré (mode rapide)", None if same else False, detail)]
    engine, orm = _interleaved(organisation, plan)
    ratio = statistics.median(engine.wall) / statistics.median(orm.wall)
    after = Journey.objects.count()
    detail |= {
        "médiane moteur (ms)": _ms(engine.wall),
        "médiane ORM (ms)": _ms(orm.wall),
        "dont CPU Python, médiane moteur / ORM (ms)": [_ms(engine.cpu), _ms(orm.cpu)],
        "rapport médian paire par paire": round(
            statistics.median(e / o for e, o in zip(engine.wall, orm.wall, strict=True)), 2
        ),
        "mesures moteur (ms)": [round(t, 1) for t in engine.wall],
        "mesures ORM (ms)": [round(t, 1) for t in orm.wall],
        "dossiers avant / après": [journeys, after],
    }
    passed = ratio <= MAX_RATIO and same and journeys == after
    return [_figure(ctx, round(ratio, 2), passed, detail)]


def _summary(kinds: collections.Counter[str]) -> dict[str, int]:
    return {"total": sum(kinds.values()), **dict(kinds.most_common())}


def _figure(ctx: BenchContext, value: Any, passed: bool | None, detail: dict[str, Any]) -> Figure:
    return Figure(
        id="P5",
        name=f"temps d'un parcours complet par le moteur ÷ mêmes lignes par l'ORM nu "
        f"(médiane de {ROUNDS}, entrelacés)",
        value=value,
        target=f"≤ {MAX_RATIO:g} fois",
        passed=passed,
        size=ctx.size,
        detail=detail,
    )

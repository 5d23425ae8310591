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
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from workflows.models import Journey

from . import lifecycle
from .context import BenchContext
from .engine_writes import InsertLog, Plan, audit_actors, plan_steps, rows_since, table_marks
from .orm_replay import OrmReplay
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

T = TypeVar("T")


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


# One run of each arm, recorded or checked ------------------------------------------------


def _engine_once(organisation: Organisation) -> Plan:
    """One engine run, logged: the plan the ORM arm replays."""
    marks = table_marks()
    log = InsertLog(marks)
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(log):
        lifecycle.whole_life(label=LABEL, organisation=organisation)
    steps = plan_steps(log.inserts)
    return Plan(steps, rows_since(marks), _kinds(queries), audit_actors(steps))


def _kinds(queries: CaptureQueriesContext) -> collections.Counter[str]:
    return collections.Counter(q["sql"].split(None, 1)[0] for q in queries.captured_queries)


def _orm_once(plan: Plan) -> tuple[dict[str, int], collections.Counter[str], bool]:
    """One ORM run, checked: rows per table, queries, whether every reference holds and
    every audit record due was written."""
    marks = table_marks()
    replay = OrmReplay(plan)
    with CaptureQueriesContext(connection) as queries:
        replay.run()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # foreign keys checked now
    sound = not replay.waiting and replay.audit_due == replay.audit_written
    return rows_since(marks), _kinds(queries), sound


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


def _interleaved(organisation: Organisation, plan: Plan) -> tuple[_Times, _Times]:
    engine, orm = _Times(), _Times()
    for _ in range(ROUNDS):
        _rolled_back(lambda: engine.measure(lambda: _whole_life(organisation)))
        replay = OrmReplay(plan)
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

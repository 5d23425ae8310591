"""P8 — one decision notifying 1, 50 and 500 recipients.

Queries: a MEL staff member orients a new contact (the triage step, posted through HTTP) to
a support organisation of 1, 50 then 500 members, and every member is told
(``orientation_proposed``). The request must cost the same number of queries whatever the
organisation's size and write one outbox row per member. Everything is rolled back.

Throughput: with a private Redis, a real worker and an SMTP sink, how fast the outbox of one
decision told to 500 people is delivered (as production does it: the delivery request
published on commit, ``deliver_batch`` by batches of 50), against how fast the same worker
runs no-op tasks. Target ≥ 0.5: a message costs at most twice a bare task.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Membership, Organisation, OrganisationKind, User
from accounts.services import organisation_create
from applicants.models import Commune
from notifications.catalogue import Event
from notifications.models import Notification
from notifications.services import Message, notify
from workflows.journey.flows import first_contact_submit
from workflows.journey.services import FirstContact
from workflows.models import Journey, JourneyStage

from .context import BenchContext
from .pages import client_for
from .report import Figure

SIZES = (1, 50, 500)
FAN_OUT = 500  # K: messages of the decision whose delivery is timed
NOOP_TASKS = 1000  # M: no-op tasks timed on the same worker
ROUNDS = 3  # each measure three times, interleaved; the median counts
CONCURRENCY = 2  # worker processes, as in the delivery fault tests
MIN_RATIO = 0.5
DEADLINE = 180.0  # seconds: the longest wait for a round before giving up
POLL = 0.005  # seconds between two looks at the sink or the broker
BENCH_EMAILS = "@p8.bench.invalid"


class _Rollback(Exception):
    pass


# Queries inside the request ------------------------------------------------------------------


@dataclass
class _Cost:
    members: int
    queries: int
    rows: int
    status: int
    stage: str


def _users(prefix: str, count: int) -> list[User]:
    """``count`` accounts at once; an unusable password costs no hashing."""
    return User.objects.bulk_create(
        User(email=f"{prefix}-{i}{BENCH_EMAILS}", password=make_password(None))
        for i in range(count)
    )


def _organisation(members: int) -> Organisation:
    """A support organisation of ``members`` people, joined as ``membership_add`` does
    (membership and the organisation's group), in bulk."""
    organisation = organisation_create(
        name=f"Structure P8 ({members} membres)", kind=OrganisationKind.SUPPORT
    )
    users = _users(f"p8-{members}", members)
    Membership.objects.bulk_create(Membership(user=u, organisation=organisation) for u in users)
    in_group = User.groups.through
    in_group.objects.bulk_create(
        in_group(user_id=u.pk, group_id=organisation.group_id) for u in users
    )
    return organisation


def _new_contact(label: str) -> Journey:
    """A journey waiting for triage, started as the public form starts it."""
    commune = Commune.objects.get(insee_code="59350")
    contact = FirstContact(
        email=f"porteur-{label}{BENCH_EMAILS}",
        first_name="Banc",
        last_name=label,
        phone="06 11 22 33 44",
        title=f"Projet {label}",
        summary="Projet mesuré par le banc d'essai.",
        sector="food",
        stage="emergence",
        needs="Trouver un local.",
        commune=commune,
        postal_code=commune.postal_code_list()[0],
    )
    return first_contact_submit(contact=contact).journey


def _triage_task(journey: Journey) -> Task:
    from workflows.journey.flows import JourneyFlow

    return Task.objects.get(
        process_id=journey.pk,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
        flow_task=JourneyFlow.triage,
    )


def _triage_cost(members: int, staff: User) -> _Cost:
    """Queries of the triage request orienting a new contact to an organisation of
    ``members`` people, and the outbox rows it wrote; all rolled back."""
    found: list[_Cost] = []
    try:
        with transaction.atomic():
            organisation = _organisation(members)
            journey = _new_contact(f"p8-{members}")
            task = _triage_task(journey)
            client = client_for(staff)
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    reverse("workflows:task", args=[task.pk]),
                    {"decision": "orient", "organisation": organisation.pk},
                )
            journey.refresh_from_db()
            rows = Notification.objects.filter(
                event=Event.ORIENTATION_PROPOSED, dossier_ref=f"workflows.journey:{journey.pk}"
            ).count()
            found.append(_Cost(members, len(queries), rows, response.status_code, journey.stage))
            raise _Rollback
    except _Rollback:
        pass
    return found[0]


def _queries_figure(ctx: BenchContext) -> Figure:
    staff = ctx.persona("mel_staff")
    journeys = Journey.objects.count()
    # A first request fills the process's caches (content types…): not counted.
    warm_up = _triage_cost(1, staff)
    costs = [_triage_cost(members, staff) for members in SIZES]
    unchanged = Journey.objects.count() == journeys
    same = len({c.queries for c in costs}) == 1
    told = all(c.rows == c.members for c in costs)
    oriented = all(c.stage == JourneyStage.ORIENTATION for c in costs)
    return Figure(
        id="P8",
        name="requêtes SQL d'une orientation notifiant 1 / 50 / 500 membres de la structure",
        value=" / ".join(str(c.queries) for c in costs),
        target="identiques",
        passed=same and told and oriented and unchanged,
        size=ctx.size,
        detail={
            "décision": "tri d'un premier contact par la MEL (POST workflows:task)",
            "mesures": [asdict(c) for c in costs],
            "requête de chauffe (non comptée)": warm_up.queries,
            "lignes de notification = membres": told,
            "dossiers inchangés après annulation": unchanged,
        },
    )


# Delivery rate against a no-op task ----------------------------------------------------------


@dataclass
class _Round:
    noop_seconds: float
    noop_publish_seconds: float
    noop_worker_cpu: float
    relay_seconds: float
    relay_worker_cpu: float
    relay_sink_cpu: float
    relay_received: int
    relay_duplicates: int

    @property
    def noop_rate(self) -> float:
        return NOOP_TASKS / self.noop_seconds

    @property
    def relay_rate(self) -> float:
        return FAN_OUT / self.relay_seconds


def _worker_class() -> type[Any]:
    from tests.support.celery_harness import CeleryProcess

    class BenchWorker(CeleryProcess):
        """The project's worker, also loading the no-op task of the benchmark."""

        def _command(self) -> list[str]:
            return [*super()._command(), "--include=bench.tasks"]

    return BenchWorker


def _sink_class() -> type[Any]:
    from tests.support.celery_harness import Received, SmtpSink

    class HeaderSink(SmtpSink):
        """The harness's sink reading only each message's headers: its full MIME parse costs
        about 3 ms of CPU a message, taken from the processors the worker runs on."""

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            raw = bytes(envelope.content)
            headers = BytesHeaderParser().parsebytes(raw)
            received = Received(
                message_id=str(headers.get("Message-ID", "")).strip(),
                recipients=tuple(envelope.rcpt_tos),
                subject=str(headers.get("Subject", "")),
                raw=raw,
            )
            with self._lock:
                self._messages.append(received)
            return "250 Message accepted for delivery"

    return HeaderSink


@dataclass
class _Stack:
    redis: Any
    sink: Any
    worker: Any


@contextlib.contextmanager
def _real_stack(ctx: BenchContext, directory: Path) -> Iterator[_Stack]:
    """A private Redis, an SMTP sink and a worker on the benchmark's database, this process
    publishing to that Redis; all three stopped afterwards."""
    import redis as redis_client

    from tests.support.celery_harness import (
        RedisServer,
        process_env,
        publishing_to,
        workers_ready,
    )

    with contextlib.ExitStack() as stack:
        broker = RedisServer(directory / "redis").start()
        stack.callback(broker.stop)
        sink = _sink_class()().start()
        stack.callback(sink.stop)
        env = process_env(
            broker_url=broker.url,
            email_url=sink.url,
            DATABASE_URL=ctx.database_url,
            # Production keeps its connections (the harness closes them for test databases).
            DATABASE_CONN_MAX_AGE="60",
        )
        worker = _worker_class()("worker", env, directory / "celery", concurrency=CONCURRENCY)
        stack.callback(worker.stop)
        worker.start()
        # Celery reads CELERY_BROKER_URL from the environment before its own settings, and
        # the bench's __main__ sets it: point it at the private broker too, for a while.
        stack.enter_context(mock.patch.dict(os.environ, {"CELERY_BROKER_URL": broker.url}))
        stack.enter_context(publishing_to(broker.url))
        if not workers_ready(timeout=60):
            raise RuntimeError(f"Le worker du banc n'a pas démarré :\n{worker.output()}")
        yield _Stack(redis_client.Redis.from_url(broker.url), sink, worker)


def _group_cpu(pgid: int) -> float:
    """CPU seconds used so far by process group ``pgid`` (the worker and its pool)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    """CPU seconds of this process, the SMTP sink's thread included."""
    times = os.times()
    return times.user + times.system


def _drained(redis: Any) -> bool:
    """Nothing queued and nothing taken but not yet acknowledged (late acks)."""
    waiting, unacked = redis.pipeline().llen("celery").hlen("unacked").execute()
    return bool(waiting == 0 and unacked == 0)


def _wait_drained(redis: Any) -> None:
    from tests.support.celery_harness import wait_until

    def settled() -> bool:
        # Twice in a row: a task just popped from the queue is in "unacked" a moment later.
        if not _drained(redis):
            return False
        time.sleep(POLL)
        return _drained(redis)

    if not wait_until(settled, timeout=DEADLINE, interval=POLL):
        raise RuntimeError("Le worker n'a pas vidé sa file à temps.")


def _noop_round(stack: _Stack) -> dict[str, Any]:
    """Enqueue M no-op tasks and wait until all ran."""
    from bench.tasks import noop

    cpu, started = _group_cpu(stack.worker.process.pid), time.monotonic()
    for _ in range(NOOP_TASKS):
        noop.delay()
    published = time.monotonic() - started
    _wait_drained(stack.redis)
    return {
        "noop_seconds": time.monotonic() - started,
        "noop_publish_seconds": published,
        "noop_worker_cpu": _group_cpu(stack.worker.process.pid) - cpu,
    }


def _decision(occurrence: str) -> Message:
    return Message(
        event=Event.DECISION,
        link="/candidatures/0/",
        dossier_ref="bench.p8:0",
        occurrence=occurrence,
        context={"title": "Projet du banc", "outcome": "avis favorable", "amount": "9 000 €"},
    )


def _relay_seconds(sink: Any, recipient_ids: list[int], occurrence: str) -> float:
    """One decision told to every recipient, committed; seconds from the commit until the
    sink has received as many messages."""
    from tests.support.celery_harness import wait_until

    before, marks = sink.count, []
    with transaction.atomic():
        # Registered first, so it runs just before notify's own on-commit publish.
        transaction.on_commit(lambda: marks.append(time.monotonic()))
        notify(message=_decision(occurrence), recipient_ids=recipient_ids)
    expected = before + len(recipient_ids)
    if not wait_until(lambda: sink.count >= expected, timeout=DEADLINE, interval=POLL):
        raise RuntimeError(f"Envoi incomplet : {sink.count - before}/{len(recipient_ids)}.")
    return time.monotonic() - marks[0]


def _received(sink: Any, occurrence: str) -> tuple[int, int]:
    """The decision's distinct Message-IDs the sink received, and the extra copies."""
    rows = Notification.objects.filter(key__startswith=_decision(occurrence).key_prefix())
    expected = {row.message_id for row in rows.only("pk")}
    seen = sink.message_ids()
    copies = sum(seen[message_id] - 1 for message_id in expected if seen[message_id] > 1)
    return len(expected & set(seen)), copies


def _relay_round(stack: _Stack, recipient_ids: list[int], occurrence: str) -> dict[str, Any]:
    cpu, own = _group_cpu(stack.worker.process.pid), _own_cpu()
    seconds = _relay_seconds(stack.sink, recipient_ids, occurrence)
    worker_cpu, sink_cpu = _group_cpu(stack.worker.process.pid) - cpu, _own_cpu() - own
    _wait_drained(stack.redis)  # the batch chain's last task has finished
    received, copies = _received(stack.sink, occurrence)
    return {
        "relay_seconds": seconds,
        "relay_worker_cpu": worker_cpu,
        "relay_sink_cpu": sink_cpu,
        "relay_received": received,
        "relay_duplicates": copies,
    }


def _rounds(ctx: BenchContext, directory: Path) -> tuple[list[_Round], int]:
    """M no-op tasks then one K-recipient decision, ROUNDS times; and the SMTP sessions."""
    recipients = [u.pk for u in _users("p8-envoi", FAN_OUT)]
    try:
        with _real_stack(ctx, directory) as stack:
            rounds = []
            for n in range(ROUNDS):
                noop = _noop_round(stack)
                relay = _relay_round(stack, recipients, f"p8-{n}")
                rounds.append(_Round(**noop, **relay))
            return rounds, stack.sink.sessions
    finally:
        # Only what this figure wrote: its notifications, then its recipients.
        Notification.objects.filter(recipient_id__in=recipients).delete()
        User.objects.filter(pk__in=recipients).delete()


def _round_detail(r: _Round) -> dict[str, Any]:
    return {
        **{k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(r).items()},
        "e-mails/s": round(r.relay_rate, 1),
        "tâches/s": round(r.noop_rate, 1),
    }


def _cpu_detail(rounds: list[_Round]) -> dict[str, float]:
    """CPU per unit, which a busy machine slows less than it slows the rates."""

    def ms(values: Iterator[float], per: int) -> float:
        return round(statistics.median(values) * 1000 / per, 2)

    return {
        "CPU du worker par tâche vide (ms)": ms((r.noop_worker_cpu for r in rounds), NOOP_TASKS),
        "CPU du worker par e-mail (ms)": ms((r.relay_worker_cpu for r in rounds), FAN_OUT),
        "CPU du puits SMTP et du banc par e-mail (ms)": ms(
            (r.relay_sink_cpu for r in rounds), FAN_OUT
        ),
    }


def _rate_figure(ctx: BenchContext) -> Figure:
    from tests.support.celery_harness import REDIS_SERVER

    name = "débit d'envoi d'une décision à 500 destinataires ÷ débit de tâches Celery vides"
    target = f"≥ {MIN_RATIO}".replace(".", ",")
    if ctx.quick or REDIS_SERVER is None:
        reason = "mode rapide" if ctx.quick else "redis-server absent"
        return Figure("P8", name, f"non mesuré ({reason})", target, None, ctx.size)
    before = (Notification.objects.count(), User.objects.count())
    with tempfile.TemporaryDirectory(prefix="bench-p8-") as tmp:
        rounds, sessions = _rounds(ctx, Path(tmp))
    unchanged = (Notification.objects.count(), User.objects.count()) == before
    relay = statistics.median(r.relay_rate for r in rounds)
    noop = statistics.median(r.noop_rate for r in rounds)
    complete = all(r.relay_received == FAN_OUT for r in rounds)
    return Figure(
        id="P8",
        name=name,
        value=round(relay / noop, 2),
        target=target,
        passed=relay / noop >= MIN_RATIO and complete and unchanged,
        size=ctx.size,
        detail={
            "e-mails/s (médiane)": round(relay, 1),
            "tâches vides/s (médiane)": round(noop, 1),
            "K e-mails par décision": FAN_OUT,
            "M tâches vides": NOOP_TASKS,
            "concurrence du worker": CONCURRENCY,
            "processeurs": os.cpu_count(),
            **_cpu_detail(rounds),
            "sessions SMTP": sessions,
            "notifications et comptes inchangés après nettoyage": unchanged,
            "tours": [_round_detail(r) for r in rounds],
        },
    )


def baseline(ctx: BenchContext) -> list[Figure]:
    return [_queries_figure(ctx), _rate_figure(ctx)]

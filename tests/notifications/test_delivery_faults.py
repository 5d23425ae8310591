"""The outbox against real faults: a real Redis broker, real Celery worker and beat
processes, a real SMTP server (a sink in a thread), PostgreSQL.

Each test starts its own broker on a free loopback port, its own sink and its own worker
(and beat), and stops them afterwards. Figures are printed (run with ``-s``) and asserted:
every notification is delivered (none lost), once (a copy is allowed only for a worker killed
between the mail server accepting a message and the commit that marks it sent).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import MembershipRole, Organisation, User
from accounts.services import membership_add
from applicants.models import Commune
from notifications.catalogue import Event
from notifications.models import MailState, Notification
from notifications.services import Message, notify
from tests.factories.accounts import UserFactory
from tests.support.celery_harness import (
    REDIS_SERVER,
    CeleryProcess,
    RedisServer,
    SmtpSink,
    Tally,
    process_env,
    publishing_to,
    tally,
    wait_until,
    workers_ready,
)
from tests.workflows.conftest import confirmation_url, first_contact_data
from workflows.journey.confirmation import SUBJECT as CONFIRMATION_SUBJECT
from workflows.models import EventKind, Journey

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (real workers share its rows)"
    ),
]

DEADLINE = 60.0  # seconds: the longest wait for an outcome before the test fails
REQUEST_MAX_SECONDS = 5.0  # a request while the broker is down must not hang on it
CONCURRENCY = 2


# Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def publisher(broker: RedisServer) -> Iterator[None]:
    """The test process (its requests' ``on_commit``) publishes to the test's broker."""
    with publishing_to(broker.url):
        yield


Spawn = Callable[..., CeleryProcess]


@pytest.fixture
def spawn(
    transactional_db: None,
    broker: RedisServer,
    sink: SmtpSink,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[Spawn]:
    """Start a worker or a beat against the test's broker, sink and database; every one is
    stopped before the database is flushed. Their logs are printed if the test failed."""
    started: list[CeleryProcess] = []
    failed_before = request.session.testsfailed

    def start(kind: str = "worker", **env: str) -> CeleryProcess:
        process = CeleryProcess(
            kind,
            process_env(broker_url=broker.url, email_url=sink.url, **env),
            tmp_path / "celery",
            concurrency=CONCURRENCY,
        )
        started.append(process)
        return process.start()

    try:
        yield start
    finally:
        for process in reversed(started):
            process.stop()
        if request.session.testsfailed > failed_before:
            for process in started:
                say(f"--- {process.kind} log ({process.log_path}) ---\n{process.output()}")


@pytest.fixture
def staff(mel_staff: User, mel_team: Organisation) -> list[User]:
    """Three MEL staff members (the first one leads the programme)."""
    others = [UserFactory.create(email=f"equipe{i}@mel.example.org") for i in (2, 3)]
    for user in others:
        membership_add(organisation=mel_team, user=user, role=MembershipRole.MEMBER)
    return [mel_staff, *others]


# Helpers ---------------------------------------------------------------------------------


def submit(client: Client, commune: Commune, n: int) -> float:
    """One public first contact, sent then confirmed by its e-mailed link as the person
    does (the notifications start at the confirmation); returns how long the slower of the
    two requests took."""
    email = f"porteur{n}@example.org"
    started = time.monotonic()
    response = client.post(
        reverse("workflows:first_contact"),
        first_contact_data(commune, email=email, title=f"Projet {n}"),
    )
    sent = time.monotonic() - started
    assert response.status_code == 200, response.content.decode()[:2000]
    link = confirmation_url(email)
    started = time.monotonic()
    confirmed = client.post(link)
    elapsed = max(sent, time.monotonic() - started)
    assert confirmed.status_code == 200, confirmed.content.decode()[:2000]
    return elapsed


def outbox_tally(sink: SmtpSink) -> Tally:
    """The outbox's deliveries, the confirmation links (their own path) left out."""
    return tally(sink, expected_ids(), besides=CONFIRMATION_SUBJECT)


def expected_ids() -> set[str]:
    return {row.message_id for row in Notification.objects.all()}


def all_sent() -> bool:
    return not Notification.objects.exclude(mail_state=MailState.SENT).exists()


def delivering(sink: SmtpSink, before: int) -> bool:
    return sink.count > before or all_sent()


def settle(sink: SmtpSink, count: int, *, supervise: Sequence[CeleryProcess] = ()) -> int:
    """Wait until every row is sent and the sink has at least ``count`` messages, then until
    nothing more arrives (a late copy would still be counted).

    ``supervise``: restart any of these processes found dead, as a service manager
    (``Restart=always``) would; returns how many restarts that took."""
    restarts = 0

    def done() -> bool:
        nonlocal restarts
        for process in supervise:
            if not process.running:
                process.start()
                restarts += 1
        return all_sent() and sink.count >= count

    ok = wait_until(done, timeout=DEADLINE, interval=0.2)
    sink.wait_until_quiet(quiet=1.0, timeout=10)
    states = dict(Notification.objects.values_list("mail_state").annotate(n=Count("pk")).order_by())
    assert ok, f"not delivered within {DEADLINE}s: sink={sink.count}/{count}, rows={states}"
    return restarts


@contextlib.contextmanager
def captured(name: str) -> Iterator[list[logging.LogRecord]]:
    """Collect the records of logger ``name`` instead of printing them (expected warnings)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger(name)
    handler, propagate = Keep(level=logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def say(text: str) -> None:
    """The figures of a run, shown with ``pytest -s``."""
    print(text)  # noqa: T201


def report(name: str, figures: Tally, **extra: object) -> None:
    details = "".join(f", {key}={value}" for key, value in extra.items())
    say(
        f"\n{name}: expected {figures.expected}, received {figures.received}, "
        f"sent {figures.distinct}, lost {figures.lost}, duplicates {figures.duplicates}{details}"
    )


# Tests -----------------------------------------------------------------------------------


def test_a_real_worker_delivers_a_burst_exactly_once(
    client: Client,
    roubaix: Commune,
    staff: list[User],
    sink: SmtpSink,
    publisher: None,
    spawn: Spawn,
) -> None:
    spawn("worker")
    requests = 20
    started = time.monotonic()
    for n in range(requests):
        submit(client, roubaix, n)
    # Each first contact alerts the staff and acknowledges receipt to the person.
    expected = requests * (len(staff) + 1)
    assert Notification.objects.count() == expected

    settle(sink, expected)
    figures = outbox_tally(sink)
    report(
        "happy path",
        figures,
        requests=requests,
        seconds=round(time.monotonic() - started, 1),
        smtp_sessions=sink.sessions,
    )
    assert figures.received == expected
    assert figures.distinct == expected
    assert (figures.lost, figures.duplicates) == (0, 0)
    assert all_sent()
    recipients = {address for message in sink.messages for address in message.recipients}
    people = {f"porteur{n}@example.org" for n in range(requests)}
    assert recipients == {user.email for user in staff} | people


def test_a_broker_stopped_during_a_burst_delays_mail_but_loses_none(
    client: Client,
    roubaix: Commune,
    staff: list[User],
    broker: RedisServer,
    sink: SmtpSink,
    publisher: None,
    spawn: Spawn,
) -> None:
    worker = spawn("worker")
    beat = spawn("beat")
    assert workers_ready()
    durations = [submit(client, roubaix, n) for n in range(10)]

    broker.stop()  # SIGTERM: the queue (no persistence) is gone with it
    with captured("notifications.services") as deferred:
        down = [submit(client, roubaix, n) for n in range(10, 20)]
    assert max(down) < REQUEST_MAX_SECONDS, down
    # Each request logged, for each of its two messages (the staff's alert, the person's
    # acknowledgement), that the relay will deliver its mail.
    assert len(deferred) == 10 * 2
    assert all("deferred to the relay" in record.getMessage() for record in deferred)
    sent_while_down = sink.count
    broker.start()  # same port: workers and beat reconnect, the relay catches up

    expected = 20 * (len(staff) + 1)
    assert Notification.objects.count() == expected
    # Celery 5.7 / kombu 5.7: a worker holding an unacknowledged task when Redis goes away
    # may exit ("Unrecoverable error: AttributeError ... 'hostname'") instead of
    # reconnecting; in production its service manager restarts it. Do the same, and count.
    restarts = settle(sink, expected, supervise=[worker, beat])
    figures = outbox_tally(sink)
    report(
        "broker stopped",
        figures,
        requests=20,
        slowest_request_up=f"{max(durations):.2f}s",
        slowest_request_down=f"{max(down):.2f}s",
        deferred_warnings=len(deferred),
        sent_before_restart=sent_while_down,
        worker_restarts=restarts,
    )
    assert figures.distinct == expected
    assert (figures.lost, figures.duplicates) == (0, 0)
    assert all_sent()


@pytest.fixture
def sink_slow(sink: SmtpSink) -> SmtpSink:
    """A mail server that takes a moment per message: kills often land mid-delivery."""
    sink.delay = 0.03
    return sink


def test_a_worker_killed_again_and_again_loses_nothing(
    mel_team: Organisation, sink_slow: SmtpSink, publisher: None, spawn: Spawn
) -> None:
    sink = sink_slow
    users = [UserFactory.create(email=f"destinataire{i}@example.org") for i in range(10)]
    with transaction.atomic():  # committed: the delivery requests go to the broker
        for occurrence in range(20):
            notify(
                message=Message(
                    event=Event.DECISION,
                    link=f"/candidatures/{occurrence}/",
                    dossier_ref=f"workflows.application:{occurrence}",
                    occurrence=str(occurrence),
                    context={"title": "Cantine", "outcome": "avis favorable", "amount": "9 000 €"},
                ),
                recipient_ids=[user.pk for user in users],
            )
    expected = Notification.objects.count()
    assert expected == 200

    spawn("beat")
    worker = spawn("worker")
    kills, at_kill = 0, []
    for _ in range(7):
        # Kill only a worker that is delivering: wait for its first message.
        assert wait_until(partial(delivering, sink, sink.count), timeout=DEADLINE)
        if all_sent():
            break
        time.sleep(random.uniform(0.3, 0.9))  # mid-batch, at a random point
        worker.kill()  # SIGKILL to the whole group: parent and prefork children
        kills += 1
        at_kill.append(sink.count)
        worker.start()

    settle(sink, expected)
    figures = outbox_tally(sink)
    report(
        "worker killed",
        figures,
        kills=kills,
        sink_count_at_each_kill=at_kill,
    )
    assert kills >= 5, "the worker finished before enough kills: slow the sink down"
    assert figures.lost == 0
    assert figures.distinct == expected
    # A copy only when a kill lands between the server's "250" and the commit: at most one
    # per process busy at that instant.
    assert figures.duplicates <= kills * CONCURRENCY
    assert all_sent()


def test_a_rolled_back_change_sends_nothing_with_a_real_worker(
    mel_staff: User, sink: SmtpSink, publisher: None, spawn: Spawn
) -> None:
    spawn("worker")
    spawn("beat")
    assert workers_ready()

    def message(occurrence: str) -> Message:
        return Message(
            event=Event.DECISION,
            link="/candidatures/1/",
            dossier_ref="workflows.application:1",
            occurrence=occurrence,
            context={"title": "Cantine", "outcome": "avis favorable", "amount": "9 000 €"},
        )

    def change_that_fails() -> None:
        with transaction.atomic():
            notify(message=message("rolled-back"), recipient_ids=[mel_staff.pk])
            raise RuntimeError("the change fails after the notification was written")

    with pytest.raises(RuntimeError, match="the change fails"):
        change_that_fails()
    assert not Notification.objects.exists()
    time.sleep(2)  # several relay rounds of beat: nothing to find, nothing to send
    assert sink.count == 0

    # A committed notification afterwards arrives alone: the worker was there all along.
    with transaction.atomic():
        notify(message=message("committed"), recipient_ids=[mel_staff.pk])
    canary = Notification.objects.get()
    settle(sink, 1)
    say(
        f"\nrollback: 0 rows and 0 messages for the rolled-back change; the committed one "
        f"after it: {sink.count} message"
    )
    assert [m.message_id for m in sink.messages] == [canary.message_id]
    assert Notification.objects.count() == 1


def test_beat_fires_a_flow_deadline_and_the_lead_is_told(
    client: Client,
    roubaix: Commune,
    staff: list[User],
    sink: SmtpSink,
    publisher: None,
    spawn: Spawn,
) -> None:
    spawn("worker")
    spawn("beat")
    submit(client, roubaix, 1)
    journey = Journey.objects.get()
    # The confirmation link, then the first contact to every staff member.
    assert sink.wait_for(1 + len(staff), timeout=DEADLINE)

    due = Task.objects.filter(process_id=journey.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert due == 1
    started = time.monotonic()
    subject = "Délai de tri dépassé : Projet 1"

    def told() -> bool:
        return any(m.subject == subject for m in sink.messages)

    assert wait_until(told, timeout=DEADLINE, interval=0.2), [m.subject for m in sink.messages]
    elapsed = time.monotonic() - started
    assert journey.events.filter(kind=EventKind.ESCALATED).count() == 1
    late = [m for m in sink.messages if m.subject == subject]
    lead = staff[0]
    assert [m.recipients for m in late] == [(lead.email,)]
    say(f"\nbeat deadline: escalated and mailed to the lead {elapsed:.1f}s after it fell due")
    settle(sink, 1 + len(staff) + 1)
    figures = outbox_tally(sink)
    assert (figures.lost, figures.duplicates) == (0, 0)

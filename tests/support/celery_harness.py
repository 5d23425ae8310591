"""Real processes for the delivery fault tests: a Redis broker, an SMTP sink, Celery
worker and beat subprocesses, and the test process publishing to that broker.

Everything here starts its own process or thread on a free loopback port and stops only
what it started (SIGTERM, then SIGKILL after a timeout). The machine's own Redis is never
touched: every broker gets a port of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from aiosmtpd.controller import Controller
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
REDIS_SERVER = shutil.which("redis-server")
MAIL_LOG = logging.getLogger("mail.log")


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def _stop(process: subprocess.Popen[bytes], *, group: bool, timeout: float = 10.0) -> None:
    """SIGTERM (the process, or its whole group), then SIGKILL if it is still there."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(process.pid, signal.SIGTERM)
            else:
                process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                if group:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.kill()
            process.wait(timeout=timeout)
    if group:  # prefork children left behind by a parent that died first
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


# Redis ---------------------------------------------------------------------------------------


class RedisServer:
    """A throw-away ``redis-server`` on its own loopback port, without persistence: stopping
    it loses every queued message, like a broker that crashed."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.directory.mkdir(parents=True, exist_ok=True)
        self._close_log()
        self._log = (self.directory / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                REDIS_SERVER or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        if not wait_until(self.ping, timeout=10, interval=0.05):
            self.stop()
            raise RuntimeError(f"redis-server did not start on port {self.port}")
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """SIGTERM (Redis shuts down cleanly and, with ``--save ""``, forgets everything)."""
        if self.process is not None:
            _stop(self.process, group=False)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


# SMTP sink -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple[str, ...]
    subject: str
    raw: bytes


class SmtpSink:
    """An SMTP server in a thread of the test process that keeps every message it accepts.

    ``delay`` makes it slow to accept each recipient, so that a worker killed at a random
    moment is often in the middle of a delivery. The delay comes before the message is
    transferred: a sender killed during it has sent nothing, and a copy can only come from
    the window the outbox itself leaves (the server's "250" received, the row not yet
    committed as sent)."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.port = free_port()
        self.sessions = 0
        self._messages: list[Received] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._log_level = logging.NOTSET

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        # aiosmtpd logs every SMTP command at INFO: keep the test output readable.
        self._log_level = MAIL_LOG.level
        MAIL_LOG.setLevel(logging.WARNING)
        self._controller.start()
        return self

    def stop(self) -> None:
        try:
            self._controller.stop()
        finally:
            MAIL_LOG.setLevel(self._log_level)

    # aiosmtpd handler hooks
    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        with self._lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.delay:  # slow before it has the message: a sender killed now sent nothing
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.content)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        received = Received(
            message_id=str(parsed.get("Message-ID", "")).strip(),
            recipients=tuple(envelope.rcpt_tos),
            subject=str(parsed.get("Subject", "")),
            raw=raw,
        )
        with self._lock:
            self._messages.append(received)
        return "250 Message accepted for delivery"

    # reading
    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._messages)

    def message_ids(self) -> Counter[str]:
        return Counter(message.message_id for message in self.messages)

    def wait_for(self, count: int, *, timeout: float = 60.0) -> bool:
        return wait_until(lambda: self.count >= count, timeout=timeout)

    def wait_until_quiet(self, *, quiet: float = 1.5, timeout: float = 60.0) -> int:
        """Wait until no message arrived for ``quiet`` seconds; return the count."""
        deadline = time.monotonic() + timeout
        last, since = self.count, time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.count
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return last


@dataclass(frozen=True)
class Tally:
    """What the sink received against what the outbox should have delivered."""

    expected: int
    received: int
    distinct: int
    lost: int
    duplicates: int


def tally(sink: SmtpSink, expected_ids: set[str], *, besides: str = "") -> Tally:
    """The sink against the outbox; messages with the subject ``besides`` (sent by another
    path than the outbox, e.g. the public form's confirmation link) are left out."""
    seen = Counter(m.message_id for m in sink.messages if not besides or m.subject != besides)
    distinct = len(set(seen) & expected_ids)
    return Tally(
        expected=len(expected_ids),
        received=sum(seen.values()),
        distinct=distinct,
        lost=len(expected_ids) - distinct,
        duplicates=sum(n - 1 for n in seen.values() if n > 1),
    )


# Celery processes ----------------------------------------------------------------------------


def database_url_for_workers() -> str:
    """The URL of the database the test process uses now (pytest-django's test copy)."""
    db = settings.DATABASES["default"]
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def process_env(*, broker_url: str, email_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker or beat: development settings (real SMTP, real broker),
    never the test settings (which force the in-memory mail backend)."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",  # no query log growing in a long-lived worker
            "DATABASE_URL": database_url_for_workers(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": email_url,
            "EMAIL_TIMEOUT": "5",
            "LOG_LEVEL": "WARNING",
            "NOTIFICATIONS_RELAY_AFTER_SECONDS": "1",
            "NOTIFICATIONS_RELAY_INTERVAL_SECONDS": "1",
            "WORKFLOW_TIMERS_INTERVAL_SECONDS": "1",
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


class CeleryProcess:
    """``celery -A config worker|beat`` in a session of its own, so the whole process group
    (the prefork children too) can be killed at once."""

    def __init__(self, kind: str, env: dict[str, str], log_dir: Path, *, concurrency: int = 2):
        assert kind in {"worker", "beat"}
        self.kind = kind
        self.env = env
        self.log_dir = log_dir
        self.concurrency = concurrency
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0

    def _command(self) -> list[str]:
        base = [sys.executable, "-m", "celery", "-A", "config", self.kind, "--loglevel=WARNING"]
        if self.kind == "worker":
            return [
                *base,
                "--pool=prefork",
                f"--concurrency={self.concurrency}",
                "--without-mingle",
                "--without-gossip",
                f"--hostname=faults-{uuid.uuid4().hex[:8]}@%h",
            ]
        return [*base, "--schedule", str(self.log_dir / f"beat-{uuid.uuid4().hex[:8]}")]

    def start(self) -> CeleryProcess:
        assert not self.running, "already running"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._close_log()
        self.starts += 1
        self.log_path = self.log_dir / f"{self.kind}-{self.starts}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            self._command(),
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group at once: no warm shutdown, no task acknowledged."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._close_log()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, group=True, timeout=15)
        self._close_log()

    def output(self, tail: int = 4000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-tail:]

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


# The test process as a publisher -------------------------------------------------------------


def _drop_pools(app: Any) -> None:
    """Close and forget the app's cached broker connections (what ``app._after_fork`` resets),
    so the next publish connects to the broker now configured."""
    pool = app._pool
    if pool is not None:
        with contextlib.suppress(Exception):
            pool.force_close_all()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        producers = getattr(amqp, "_producer_pool", None)
        if producers is not None:
            with contextlib.suppress(Exception):
                producers.force_close_all()
        amqp._producer_pool = None


@contextlib.contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Make ``apply_async`` in the test process publish to ``broker_url`` (not run eagerly),
    and put everything back afterwards."""
    from config.celery import app

    overrides = {
        "broker_url": broker_url,
        "broker_write_url": None,
        "task_always_eager": False,
        "broker_connection_timeout": 2.0,
    }
    saved = {key: app.conf.get(key) for key in overrides}
    _drop_pools(app)
    app.conf.update(overrides)
    try:
        yield
    finally:
        _drop_pools(app)
        app.conf.update(saved)


def workers_ready(count: int = 1, *, timeout: float = 30.0) -> bool:
    """Wait until ``count`` workers answer a broadcast ping on the broker now configured
    (inside ``publishing_to``): they are consuming."""
    from config.celery import app

    def answered() -> bool:
        return len(app.control.ping(timeout=0.5) or []) >= count

    return wait_until(answered, timeout=timeout, interval=0)

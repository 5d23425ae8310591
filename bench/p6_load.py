"""P6 — the inbox under load against a bare Django view: both served by gunicorn (sync
workers, one per CPU) on the run's PostgreSQL database, loaded by wrk over loopback with the
same parameters and the same signed-in session. Target: inbox p95 at most three times bare p95.

The bare view (``bench.urls``) goes through the whole middleware stack with the same cookie,
so session and user loading cost the same on both sides: the ratio is what the inbox itself
adds. Runs alternate (bare, inbox, …, bare, inbox) so a slow moment of the machine weighs on
both; the p95 kept is the median of the runs. Skipped in quick mode (no load tool in CI)."""

from __future__ import annotations

import http.client
import importlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .context import BenchContext
from .report import Figure

MAX_RATIO = 3.0
TARGET = f"≤ {MAX_RATIO:g}×"  # noqa: RUF001 - the multiplication sign is meant
NAME = "p95 de la boîte de tâches{who} ÷ p95 d'une vue Django nue, gunicorn + PostgreSQL"
# Load of each run. One connection per worker: every request is being served, none waits
# in the listen backlog. With more connections than sync workers, which waiting connection
# a freed worker takes is unfair, and the bare view's p95 became half a second of waiting
# (p50 44 ms): the ratio then measured the backlog, not the pages. BENCH_WRK_DURATION
# (seconds) and BENCH_WRK_CONNECTIONS change them for an experiment.
WRK_DURATION_S = int(os.environ.get("BENCH_WRK_DURATION", "8"))
WRK_CONNECTIONS_PER_WORKER = 1
WRK_MAX_THREADS = 2
WARMUP_S = 2
# Three runs per URL so that the p95 kept is a real median.
ROUNDS = 3
# Who is measured: MEL staff first (the figure judged), then an incubator adviser.
ROLES = {"mel_staff": "équipe MEL", "incubator": "incubateur"}
BARE_PATH = "/bench/bare/"
INBOX_PATH = "/taches/"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
PROJECT_DIR = Path(__file__).resolve().parent.parent

# wrk's own error count only holds statuses ≥ 400; a 302 to the login page must count too,
# so each thread counts non-2xx answers and done() adds them up across threads.
WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    "P6RESULT requests=%d duration_us=%d p50=%d p95=%d p99=%d non2xx=%d errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), bad, e.connect + e.read + e.write + e.timeout))
end
"""
_RESULT = re.compile(r"^P6RESULT (.*)$", re.MULTILINE)


@dataclass
class Run:
    """One wrk run: latencies in microseconds."""

    requests: int
    duration_us: int
    p50: int
    p95: int
    p99: int
    non2xx: int
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0


class LoadError(Exception):
    """The load could not be measured (French message for the figure)."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.message, self.log = message, log


def measure(ctx: BenchContext) -> list[Figure]:
    if ctx.quick:
        return []
    wrk = shutil.which("wrk")
    missing = _missing_tools(wrk)
    if missing:
        return [_unjudged(ctx, missing)]
    assert wrk is not None  # noqa: S101 - checked by _missing_tools
    started = time.monotonic()
    try:
        cookies = {role: _session_cookie(ctx.persona(role)) for role in ROLES}
        with _server(ctx.database_url) as (port, log):
            _check_answers(port, cookies, log)
            runs = _load(wrk, port, cookies)
    except LoadError as error:
        return [_failed(ctx, error)]
    seconds = round(time.monotonic() - started)
    return [_figure(ctx, role, runs, seconds) for role in ROLES]


def _missing_tools(wrk: str | None) -> str:
    if importlib.util.find_spec("gunicorn") is None:
        return "gunicorn absent (pip install -r bench/requirements.txt)"
    if wrk is None:
        return "wrk absent (apt-get install wrk)"
    return ""


# Session --------------------------------------------------------------------------------


def _session_cookie(user: Any) -> str:
    """A ``Cookie`` header for a session that looks like a fresh sign-in by ``user``: what
    django.contrib.auth.login and accounts.receivers.session_started would have stored."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.middleware import SESSION_NEEDS_OTP, SESSION_STARTED_AT, SESSION_TOUCHED_AT
    from accounts.security import totp_confirmed_device

    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = _backend_for(user)
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SESSION_STARTED_AT] = store[SESSION_TOUCHED_AT] = time.time()
    device = totp_confirmed_device(user)
    store[SESSION_NEEDS_OTP] = device is not None
    if device is not None:  # as if the code step had been passed
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _backend_for(user: Any) -> str:
    """The first configured backend that can load ``user`` back from a session."""
    from django.conf import settings
    from django.contrib.auth import load_backend

    for path in settings.AUTHENTICATION_BACKENDS:
        get_user = getattr(load_backend(path), "get_user", None)
        if get_user is not None and get_user(user.pk) is not None:
            return str(path)
    raise LoadError(f"aucun backend d'authentification ne charge {user.email}")


# Server ---------------------------------------------------------------------------------


def _workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _free_port() -> int:
    # The kernel picks a free loopback port; gunicorn binds it right after (a tiny race).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(database_url: str) -> Iterator[tuple[int, Path]]:
    """gunicorn serving the project with the bench settings on a loopback port."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={_workers()}",
        "--worker-class=sync",
        "--error-logfile=-",
        "--log-level=warning",
    ]
    with tempfile.TemporaryDirectory(prefix="bench-p6-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        # Django logs a page's traceback to the console: the log file gets both streams.
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command,
                cwd=PROJECT_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_ready(process, port, log)
            yield port, log
        finally:
            _stop(process)


def _wait_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadError(
                f"gunicorn s'est arrêté au démarrage (code {process.returncode})", _tail(log)
            )
        try:
            if _get(port, BARE_PATH, "")[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    raise LoadError(f"gunicorn ne répond pas après {START_TIMEOUT_S:.0f} s", _tail(log))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the arbiter (it stops its workers), SIGKILL to its group if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _get(port: int, path: str, cookie: str) -> tuple[int, str]:
    """One GET, redirects not followed: (status, Location)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


def _check_answers(port: int, cookies: dict[str, str], log: Path) -> None:
    """Each page answers 200 to each session before any load: a redirect to the sign-in page
    would make the ratio meaningless."""
    for role, cookie in cookies.items():
        for path in (BARE_PATH, INBOX_PATH):
            try:
                status, location = _get(port, path, cookie)
            except OSError as error:
                raise LoadError(f"{path} ne répond pas ({role}) : {error}", _tail(log)) from error
            if status != 200:
                where = f" vers {location}" if location else ""
                raise LoadError(
                    f"{path} répond {status}{where} ({role}) au lieu de 200", _tail(log)
                )


# Load -----------------------------------------------------------------------------------


def _connections() -> int:
    override = os.environ.get("BENCH_WRK_CONNECTIONS")
    return int(override) if override else _workers() * WRK_CONNECTIONS_PER_WORKER


def _wrk_options(seconds: int) -> str:
    connections = _connections()
    threads = min(WRK_MAX_THREADS, connections)
    return f"-t{threads} -c{connections} -d{seconds}s"


def _load(wrk: str, port: int, cookies: dict[str, str]) -> dict[str, list[Run]]:
    """Warm-up then alternate runs; keys are "bare" and the roles."""
    main_cookie = cookies[next(iter(ROLES))]
    targets = {"bare": (BARE_PATH, main_cookie)} | {
        role: (INBOX_PATH, cookie) for role, cookie in cookies.items()
    }
    runs: dict[str, list[Run]] = {key: [] for key in targets}
    with tempfile.TemporaryDirectory(prefix="bench-p6-wrk-") as tmp:
        script = Path(tmp) / "p6.lua"
        script.write_text(WRK_SCRIPT)
        for path, cookie in targets.values():
            _wrk(wrk, script, port, path, cookie, WARMUP_S)
        for _ in range(ROUNDS):
            for key, (path, cookie) in targets.items():
                runs[key].append(_wrk(wrk, script, port, path, cookie, WRK_DURATION_S))
    return runs


def _wrk(wrk: str, script: Path, port: int, path: str, cookie: str, seconds: int) -> Run:
    command = [
        wrk,
        *_wrk_options(seconds).split(),
        "--timeout=30s",
        f"--script={script}",
        f"--header=Cookie: {cookie}",
        f"http://127.0.0.1:{port}{path}",
    ]
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            command, capture_output=True, text=True, check=False, timeout=seconds + 60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise LoadError(f"wrk n'a pas abouti sur {path} : {error}") from error
    found = _RESULT.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise LoadError(f"wrk a échoué sur {path} (code {done.returncode})", done.stderr[-2000:])
    fields = dict(pair.split("=", 1) for pair in found.group(1).split())
    return Run(**{name: int(value) for name, value in fields.items()})


# Figures --------------------------------------------------------------------------------


def _ms(microseconds: float) -> float:
    return round(microseconds / 1000, 1)


def _summary(runs: list[Run]) -> dict[str, Any]:
    return {
        "p50 (ms)": _ms(statistics.median(r.p50 for r in runs)),
        "p95 (ms)": _ms(statistics.median(r.p95 for r in runs)),
        "p99 (ms)": _ms(statistics.median(r.p99 for r in runs)),
        "requêtes/s": round(statistics.median(r.per_second for r in runs), 1),
        "p95 par passe (ms)": [_ms(r.p95) for r in runs],
        "réponses non 2xx": sum(r.non2xx for r in runs),
        "erreurs de connexion": sum(r.errors for r in runs),
    }


def _figure(ctx: BenchContext, role: str, runs: dict[str, list[Run]], seconds: int) -> Figure:
    bare, inbox = runs["bare"], runs[role]
    bare_p95 = statistics.median(r.p95 for r in bare)
    ratio = round(statistics.median(r.p95 for r in inbox) / bare_p95, 2) if bare_p95 else 0.0
    bad = sum(r.non2xx + r.errors for r in bare + inbox)
    detail: dict[str, Any] = {
        "boîte de tâches": _summary(inbox),
        "vue nue": _summary(bare),
        "wrk": (
            f"{_wrk_options(WRK_DURATION_S)}, {ROUNDS} passes "
            f"alternées par URL après {WARMUP_S} s d'échauffement, boucle locale"
        ),
        "gunicorn": f"{_workers()} workers sync",
        "durée de P6 (s)": seconds,
    }
    if bad:
        detail["explication"] = (
            f"{bad} réponses non 2xx ou erreurs pendant la charge : le rapport ne mesure "
            "pas la boîte de tâches (redirection vers la connexion, erreur serveur…)"
        )
    return Figure(
        id="P6",
        name=NAME.format(who=f" ({ROLES[role]})"),
        value=ratio,
        target=TARGET,
        passed=bool(bare_p95) and ratio <= MAX_RATIO and not bad,
        size=ctx.size,
        detail=detail,
    )


def _unjudged(ctx: BenchContext, missing: str) -> Figure:
    return Figure(
        id="P6",
        name=NAME.format(who=""),
        value=f"non mesuré : {missing}",
        target=TARGET,
        passed=None,
        size=ctx.size,
        detail={"outil manquant": missing},
    )


def _failed(ctx: BenchContext, error: LoadError) -> Figure:
    return Figure(
        id="P6",
        name=NAME.format(who=""),
        value=f"non mesuré : {error.message}",
        target=TARGET,
        passed=False,
        size=ctx.size,
        detail={"journal": error.log},
    )

"""P9's measuring process: ``python -m bench.data_out_child --size N --targets JSON``.

Seeds N dossiers (``demo.bulk``) into the database of ``DATABASE_URL`` and measures each
target (``bench.p9_data_out.TARGETS``) as its persona; prints one JSON line. A process of
its own per size, so that its memory figures start from the same state at every size.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

REQUESTS = 15
WARM_UP = 3
MIB = 2**20


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.data_out_child")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--targets", required=True)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from demo.bulk import seed_dossiers
    from workflows.models import Journey

    report = seed_dossiers(count=args.size)
    results = [_measure(t, args.quick) for t in json.loads(args.targets)]
    sys.stdout.write(
        json.dumps(
            {
                "dossiers": Journey.objects.count(),
                "applications": report.applications,
                "seed_seconds": round(report.seconds, 1),
                "stages": report.stages,
                "targets": results,
            },
            default=str,
        )
        + "\n"
    )
    return 0


def _hook(name: str) -> Any:
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


def _user(target: dict[str, Any]) -> Any:
    from accounts.models import User

    from .context import DEMO_DOMAIN, PERSONAS

    if not target["persona"]:
        return None
    return User.objects.get(email=f"{PERSONAS[target['persona']]}@{DEMO_DOMAIN}")


def _client(target: dict[str, Any], user: Any) -> tuple[Any, dict[str, str]]:
    from django.test import Client

    from .pages import client_for

    if user is None:
        return Client(), {}
    headers: dict[str, str] = {}
    if target["headers"]:
        headers = _hook(target["headers"])(user)
    return client_for(user), headers


def _url(target: dict[str, Any]) -> str:
    from django.urls import reverse

    return str(target["url"]) if target["url"].startswith("/") else reverse(target["url"])


def _read(response: Any) -> tuple[int, int]:
    """Bytes and lines of the whole body, a chunk at a time when it is streamed."""
    size = lines = 0
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines


def _measure(target: dict[str, Any], quick: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = _user(target)
    prepared = _hook(target["setup"])(user) if target["setup"] else None
    if target["kind"] == "job":
        return {**target, "prepared": prepared, **_job(_hook(target["url"]), user, quick)}
    client, headers = _client(target, user)
    url = _url(target)
    send = client.post if target["method"] == "POST" else client.get
    for _ in range(1 if quick else WARM_UP):
        _read(send(url, headers=headers))
    with CaptureQueriesContext(connection) as captured:
        response = send(url, headers=headers)
        _read(response)
    found = {
        **target,
        "prepared": prepared,
        "status": response.status_code,
        "queries": len(captured),
    }
    if quick or response.status_code != 200:
        return found
    if target["kind"] == "stream":
        return {**found, **_memory(lambda: send(url, headers=headers))}
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        _read(send(url, headers=headers))
        times.append((time.perf_counter() - start) * 1000)
    return {
        **found,
        "p50": round(statistics.median(times), 2),
        "p95": round(statistics.quantiles(times, n=20)[18], 2),
        # The fastest request: what the page costs when the shared machine lets it run.
        "min": round(min(times), 2),
    }


def _job(run: Any, user: Any, quick: bool) -> dict[str, Any]:
    """A function that writes a file (a background export): it must succeed; its memory
    is measured as a stream's, the file's rows and bytes being the function's answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        done = run(user)
    found = {"status": 200 if done["ok"] else 500, "queries": len(captured), **done}
    if quick or not done["ok"]:
        return found
    return {**found, **_memory(lambda: run(user), answer=lambda r: (r["bytes"], r["rows"]))}


def _memory(request: Any, answer: Any = None) -> dict[str, Any]:
    """Peak RSS growth (the kernel's high-water mark, reset first) then peak Python
    allocations (tracemalloc, a second run) while the whole response is read."""
    answer = answer or _read
    before = _status_kib("VmRSS")
    reset = Path("/proc/self/clear_refs")
    if reset.exists():
        reset.write_text("5")  # resets VmHWM to the current RSS
    started = time.perf_counter()
    size, lines = answer(request())
    seconds = time.perf_counter() - started
    rss = (_status_kib("VmHWM") - before) / 1024
    tracemalloc.start()
    answer(request())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "peak_mib": round(peak / MIB, 2),
        "rss_mib": round(max(rss, 0), 1),
        "bytes": size,
        "rows": lines,
        "seconds": round(seconds, 2),
    }


def _status_kib(key: str) -> int:
    status = Path("/proc/self/status")
    if not status.exists():
        return 0
    for line in status.read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

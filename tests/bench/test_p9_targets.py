"""P9's targets: every wired one resolves, and each kind is judged by its own budget."""

from __future__ import annotations

import importlib
from typing import Any

from django.urls import reverse

from bench.p9_data_out import MAX_PEAK_MIB, TARGETS, _figure


def _hook(name: str) -> Any:
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


def test_every_wired_target_resolves_to_a_url_or_a_function() -> None:
    for target in TARGETS:
        if target.pending or target.url.startswith("/"):
            continue
        if target.kind == "job":
            assert callable(_hook(target.url))
        else:
            assert reverse(target.url, urlconf="bench.urls")
        for hook in (target.headers, target.setup):
            assert not hook or callable(_hook(hook))


def _raw(kind: str, **values: Any) -> dict[str, Any]:
    return {"kind": kind, "label": "cible", "url": "x", "status": 200, "queries": 9, **values}


def test_a_page_passes_up_to_one_and_a_half_times_its_first_median() -> None:
    base = _raw("page", p50=100.0, p95=120.0)
    assert _figure(_raw("page", p50=150.0, p95=200.0), base, 100_000, False).passed is True
    assert _figure(_raw("page", p50=151.0, p95=200.0), base, 100_000, False).passed is False


def test_a_list_passes_only_with_the_same_query_count() -> None:
    base = _raw("list")
    assert _figure(_raw("list"), base, 100_000, False).passed is True
    assert _figure(_raw("list", queries=10), base, 100_000, False).passed is False


def test_a_stream_passes_under_its_memory_cap_and_an_error_never_passes() -> None:
    stream = {"rss_mib": 1.0, "rows": 10, "seconds": 1.0}
    base = _raw("stream", peak_mib=0.5, **stream)
    small = _raw("stream", peak_mib=MAX_PEAK_MIB - 1, **stream)
    big = _raw("stream", peak_mib=MAX_PEAK_MIB + 1, **stream)
    assert _figure(small, base, 100_000, False).passed is True
    assert _figure(big, base, 100_000, False).passed is False
    assert _figure({**small, "status": 500}, base, 100_000, False).passed is False


def test_a_job_in_quick_mode_passes_only_when_it_wrote_every_row() -> None:
    base = _raw("job", rows=405, expected=405)
    assert _figure(base, base, 1_000, True).passed is True
    assert _figure(_raw("job", rows=400, expected=405), base, 1_000, True).passed is False


def test_a_job_passes_under_its_memory_cap() -> None:
    done = {"rss_mib": 1.0, "rows": 10, "bytes": 100, "seconds": 1.0}
    base = _raw("job", peak_mib=0.5, **done)
    assert _figure(_raw("job", peak_mib=MAX_PEAK_MIB - 1, **done), base, 100_000, False).passed
    big = _raw("job", peak_mib=MAX_PEAK_MIB + 1, **done)
    assert _figure(big, base, 100_000, False).passed is False

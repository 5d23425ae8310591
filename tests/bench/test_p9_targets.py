"""P9's targets: every wired one resolves, and each kind is judged by its own budget."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bench.p9_data_out import MAX_PEAK_MIB, TARGETS, _figure


def test_every_wired_target_resolves_to_a_url() -> None:
    for target in TARGETS:
        if not target.pending and not target.url.startswith("/"):
            assert reverse(target.url, urlconf="bench.urls")


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

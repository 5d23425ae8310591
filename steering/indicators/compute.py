"""Placeholder: the indicators helper implements ``plan_indicators``; this signature is what
the API calls."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from steering.indicators.types import Period, PlanIndicators


def plan_indicators(period: Period, *, axis: Any = None, programme: Any = None) -> PlanIndicators:
    return PlanIndicators(period=period, scope_label="Tout le plan", computed_at=timezone.now())

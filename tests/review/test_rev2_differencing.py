"""Review proof: two overlapping periods one day apart describe the one person of that day."""

from __future__ import annotations

import pytest

from steering.indicators.compute import plan_indicators
from steering.indicators.types import Period
from tests.steering.builders import day, dossier

pytestmark = pytest.mark.django_db
APPLIED = (("draft", day(2)), ("submitted", day(3)))


def _table(indicators, section, key):
    found = next(s for s in indicators.sections if s.key == section)
    return next(t for t in found.tables if t.key == key)


def test_one_day_shift_reveals_one_persons_gender_and_request() -> None:
    for i in range(3):
        dossier(first=day(1), application=APPLIED, requested="10000", gender="woman")
        dossier(first=day(1), application=APPLIED, requested="10000", gender="man")
    dossier(first=day(0), application=APPLIED, requested="12345", gender="man")  # the target
    wide = plan_indicators(Period(day(0).date(), day(1).date()))
    narrow = plan_indicators(Period(day(1).date(), day(1).date()))
    def requested(ind):
        return _table(ind, "money", "money_steps").rows[0].values[0].number
    def men(ind):
        rows = _table(ind, "equity", "by_gender").rows
        return {r.label: r.values[0].number for r in rows}
    print(requested(wide), requested(narrow), men(wide), men(narrow))
    assert requested(wide) - requested(narrow) != 12345  # fails: the target's request leaks

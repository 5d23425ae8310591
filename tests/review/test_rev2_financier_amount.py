"""Review proof: a financier's granted amount is shown when only one dossier got it."""

from __future__ import annotations

import pytest

from funding.models import LineState
from steering.indicators.compute import plan_indicators
from steering.indicators.types import Period
from tests.steering.builders import day, dossier, financier, line

pytestmark = pytest.mark.django_db
FUNDED = (("draft", day(2)), ("submitted", day(3)), ("funding", day(5)), ("convention", day(6)))


def test_one_grant_among_three_solicitations_is_published() -> None:
    fondation = financier("Fondation")
    built = [dossier(first=day(0), application=FUNDED, requested="10000") for _ in range(3)]
    line(built[0], fondation, proposed="8000", granted="7777")
    for b in built[1:]:
        line(b, fondation, proposed="8000", state=LineState.DECLINED)
    money = plan_indicators(Period(day(0).date(), day(0).date())).section("money")
    row = next(r for r in money.tables[1].rows if r.label == "Fondation")
    assert row.values[2].number != 7777, [v.display for v in row.values]

"""Review proof: the leverage counts co-financing of dossiers the MEL did not fund."""

from __future__ import annotations

from typing import Any

import pytest

from steering.indicators.compute import plan_indicators
from steering.indicators.types import Period
from tests.steering.builders import day, dossier, financier, line

pytestmark = pytest.mark.django_db
FUNDED = (("draft", day(2)), ("submitted", day(3)), ("funding", day(5)), ("convention", day(6)))


def test_leverage_is_per_euro_of_mel_grant_on_the_dossiers_it_funds(settings: Any) -> None:
    settings.STATISTICS_MIN_CELL = 1
    mel, bank = financier("MEL"), financier("Banque")
    with_mel = dossier(first=day(0), application=FUNDED, requested="10000")
    bank_only = dossier(first=day(0), application=FUNDED, requested="10000")
    line(with_mel, mel, proposed="10000", granted="10000", mel=True)
    line(with_mel, bank, proposed="10000", granted="10000", instrument="PRET_BANCAIRE")
    line(bank_only, bank, proposed="50000", granted="50000", instrument="PRET_BANCAIRE")
    money = plan_indicators(Period(day(0).date(), day(0).date())).section("money")
    leverage = {f.key: f.value.display for f in money.figures}["leverage"]
    assert leverage == "1,00\u00a0€", leverage  # shows 6,00 €

"""Every money cell is hidden by the number of dossiers that amount sums over (issue #13):
not by how many dossiers asked, and the leverage counts only dossiers the MEL funds."""

from __future__ import annotations

from typing import Any

import pytest

from funding.models import LineState
from steering.indicators.compute import plan_indicators
from steering.indicators.formats import HIDDEN
from steering.indicators.types import Period, Section
from tests.steering.builders import Built, day, dossier, financier, line

pytestmark = pytest.mark.django_db
FUNDED = (("draft", day(2)), ("submitted", day(3)), ("funding", day(5)), ("convention", day(6)))


def _money() -> Section:
    return plan_indicators(Period(day(0).date(), day(0).date())).section("money")


def _funded(n: int, **kwargs: Any) -> list[Built]:
    return [
        dossier(first=day(0), application=FUNDED, requested="10000", **kwargs) for _ in range(n)
    ]


def test_a_financier_granting_one_of_three_solicitations_hides_only_its_granted_amount() -> None:
    fondation = financier("Fondation")
    built = _funded(3)
    line(built[0], fondation, proposed="8000", granted="7777", instrument="PRET_HONNEUR")
    for b in built[1:]:
        line(b, fondation, proposed="8000", state=LineState.DECLINED, instrument="PRET_HONNEUR")
    money = _money()
    for table in money.tables[1:]:
        (row,) = table.rows
        assert [v.display for v in row.values] == ["3", "24\u202f000\u00a0€", HIDDEN]
    steps = {row.label: row.values[0].display for row in money.tables[0].rows}
    assert steps["Accordé par les financeurs"] == HIDDEN
    assert steps["Demandé par les porteurs"] == "30\u202f000\u00a0€"
    assert {f.key: f.value.display for f in money.figures}["granted"] == HIDDEN


def test_granted_lines_without_an_amount_do_not_count_as_contributors() -> None:
    bank = financier("Banque")
    built = _funded(3)
    line(built[0], bank, proposed="5000", granted="5000")
    for b in built[1:]:
        line(b, bank, proposed="5000")  # granted, amount not recorded yet
    assert {f.key: f.value.display for f in _money().figures}["granted"] == HIDDEN


def test_an_equity_amount_is_hidden_when_few_funded_dossiers_have_a_grant() -> None:
    bank = financier("Banque")
    built = _funded(3, qpv="inside")
    line(built[0], bank, proposed="5000", granted="5000")
    equity = plan_indicators(Period(day(0).date(), day(0).date())).section("equity")
    row = next(r for r in equity.tables[0].rows if r.label == "En quartier prioritaire (QPV)")
    assert row.values[-2].display == "3"  # three funded dossiers…
    assert row.values[-1].display == HIDDEN  # …but one granted amount


def test_leverage_counts_co_financing_of_mel_funded_dossiers_only(settings: Any) -> None:
    settings.STATISTICS_MIN_CELL = 1
    mel, bank = financier("MEL"), financier("Banque")
    with_mel, bank_only = _funded(2)
    line(with_mel, mel, proposed="10000", granted="4000", mel=True)
    line(with_mel, bank, proposed="10000", granted="10000", instrument="PRET_BANCAIRE")
    line(bank_only, bank, proposed="50000", granted="50000", instrument="PRET_BANCAIRE")
    money = _money()
    assert {f.key: f.value.display for f in money.figures}["leverage"] == "2,50\u00a0€"
    assert "les seuls dossiers qui ont reçu" in next(
        f.help for f in money.figures if f.key == "leverage"
    )
    assert "ne compte que les dossiers" in money.intro

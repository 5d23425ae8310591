"""Each indicator read back from dossiers built at known dates, where the answer is known."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command

from funding.models import LineState, PlanAxis, Programme
from steering.indicators.compute import plan_indicators
from steering.indicators.types import Period, PlanIndicators, Table
from tests.factories.applicants import commune
from tests.steering.builders import Built, day, dossier, financier, line, paid, report

pytestmark = pytest.mark.django_db
SEMESTER = Period(datetime.date(2027, 1, 1), datetime.date(2027, 6, 30))
FUNDED_PATH = (
    ("draft", day(20)), ("submitted", day(25)), ("complete", day(30)), ("eligible", day(35)),
    ("on_agenda", day(36)), ("funding", day(50)), ("convention", day(60)),
)  # fmt: skip


@pytest.fixture(autouse=True)
def _every_cell_shown(settings: Any) -> None:
    settings.STATISTICS_MIN_CELL = 1  # known answers; the threshold has its own tests


def _column(table: Table, column: int) -> dict[str, str]:
    return {row.label: row.values[column - 1].display for row in table.rows}


def _numbers(table: Table, column: int) -> dict[str, float | None]:
    return {row.label: row.values[column - 1].number for row in table.rows}


@pytest.fixture
def three() -> dict[str, Built]:
    """A redirected at triage (late), B funded, C supported then stopped."""
    return {
        "a": dossier(first=day(0), journey=(("redirected", day(10)),), qpv="outside"),
        "b": dossier(
            first=day(0),
            journey=(("orientation", day(2)), ("support", day(5)), ("ready", day(18))),
            application=FUNDED_PATH,
            requested="12000",
            qpv="inside",
            gender="woman",
            age_band="26_35",
        ),
        "c": dossier(
            first=day(1),
            journey=(("orientation", day(1.5)), ("support", day(4)), ("support_ended", day(40))),
            gender="declined",
        ),
    }


def test_the_funnel_counts_every_step_each_dossier_reached(three: dict[str, Built]) -> None:
    steps = plan_indicators(SEMESTER).section("funnel").tables[0]
    assert _numbers(steps, 1) == {
        "Premiers contacts": 3, "Orientés vers une structure": 2, "Accompagnés": 2,
        "Candidatures déposées": 1, "Dossiers complets": 1, "Éligibles": 1,
        "Retenus par le comité": 1, "Financés": 1, "En suivi": 0, "Suivi terminé": 0,
    }  # fmt: skip
    assert _column(steps, 2)["Candidatures déposées"] == "50\u00a0%"
    assert _column(steps, 3)["Financés"] == "33\u00a0%"


def test_dropouts_are_read_from_where_each_dossier_stopped(three: dict[str, Built]) -> None:
    outcomes = plan_indicators(SEMESTER).section("funnel").tables[1]
    numbers = _numbers(outcomes, 1)
    assert numbers["Réorientés vers un autre dispositif"] == 1
    assert numbers["Accompagnement terminé sans candidature"] == 1
    assert numbers["Toujours en cours"] == 1
    assert numbers["Non éligibles"] == 0


def test_the_period_holds_the_first_contacts_of_its_days_in_lille_time() -> None:
    last_evening = datetime.datetime(2027, 6, 30, 21, 30, tzinfo=datetime.UTC)  # 23 h 30
    next_morning = datetime.datetime(2027, 6, 30, 22, 10, tzinfo=datetime.UTC)  # 0 h 10
    dossier(first=datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC))  # 1er janvier
    dossier(first=datetime.datetime(2026, 12, 31, 22, 30, tzinfo=datetime.UTC))  # 31 décembre
    dossier(first=last_evening)
    dossier(first=next_morning)
    funnel = plan_indicators(SEMESTER).section("funnel")
    assert funnel.figures[0].value.number == 2


def test_axis_and_programme_keep_only_their_applications() -> None:
    call_command("load_programme_rules", verbosity=0)
    programme = Programme.objects.get(slug="entreprendre-autrement")
    other = PlanAxis.objects.create(number=9, name="Autre axe")
    dossier(first=day(0), application=FUNDED_PATH, programme=programme)
    dossier(first=day(0), application=FUNDED_PATH)
    dossier(first=day(0))
    count = lambda **kw: plan_indicators(SEMESTER, **kw).section("funnel").figures[0].value.number  # noqa: E731
    assert count() == 3
    assert count(programme=programme) == 1
    assert count(axis=programme.axis) == 1
    assert count(axis=other) == 0
    assert plan_indicators(SEMESTER, programme=programme).scope_label.startswith("Programme ")


def test_money_requested_granted_paid_and_the_leverage(three: dict[str, Built]) -> None:
    mel, bank = financier("MEL — subvention"), financier("Banque solidaire")
    line(three["b"], mel, proposed="10000", granted="10000", mel=True)
    line(three["b"], bank, proposed="25000", granted="25000", instrument="PRET_BANCAIRE")
    line(three["b"], financier("Fondation"), proposed="5000", state=LineState.DECLINED)
    paid(three["b"], "6000", at=day(70))
    paid(three["b"], "4000", at=None, position=2)
    money = plan_indicators(SEMESTER).section("money")
    figures = {f.key: f.value.display for f in money.figures}
    assert figures == {
        "requested": "12\u202f000\u00a0€",
        "granted": "35\u202f000\u00a0€",
        "disbursed": "6\u202f000\u00a0€",
        "leverage": "2,50\u00a0€",
    }
    by_financier = money.tables[1]
    assert _column(by_financier, 3)["Banque solidaire"] == "25\u202f000\u00a0€"
    assert _column(by_financier, 3)["Fondation"] == "0\u00a0€"
    assert _column(money.tables[2], 2)["Prêt bancaire"] == "25\u202f000\u00a0€"


def test_days_between_steps_median_and_ninetieth_percentile(three: dict[str, Built]) -> None:
    dossier(first=day(0), application=(*FUNDED_PATH[:-1], ("convention", day(100))))
    time = plan_indicators(SEMESTER).section("time")
    end_to_end = _column(time.tables[0], 1)
    assert end_to_end["De bout en bout : premier contact → financement"] == "80\u00a0jours"
    assert _column(time.tables[0], 2)["De bout en bout : premier contact → financement"] == (
        "100\u00a0jours"
    )
    assert time.figures[0].value.number == 80


def test_service_levels_missed_are_counted_and_only_their_share_shown(
    three: dict[str, Built],
) -> None:
    """1 late of 3: the page shows 33 %, not the counts (funnel steps' counts, which the
    funnel may hide)."""
    sla = plan_indicators(SEMESTER).section("time").tables[1]
    assert sla.headers == ("Délai", "Part hors délai")
    triage = next(r for r in sla.rows if r.label.startswith("Tri du premier contact"))
    assert [v.number for v in triage.values] == [33]


def test_impact_reads_each_projects_latest_report_of_the_period(three: dict[str, Built]) -> None:
    b = three["b"]
    report(b, months=6, at=day(150), jobs_created_fte=1, still_active=True)
    report(
        b, months=12, at=day(170), jobs_created_fte="2.5", jobs_kept_fte=1, qpv_residents_hired=1,
        beneficiaries=40, turnover=80000, still_active=True,
    )  # fmt: skip
    report(b, months=36, at=None)  # not handed in: not counted
    impact = plan_indicators(SEMESTER).section("impact")
    figures = {f.key: f.value.display for f in impact.figures}
    assert figures["projects"] == "1"
    assert figures["jobs_created"] == "2,5\u00a0ETP"
    assert figures["qpv_hired"] == "1"
    assert figures["turnover"] == "80\u202f000\u00a0€"
    assert _column(impact.tables[0], 3) == {
        "12 mois après la décision": "100\u00a0%",
        "36 mois après la décision": "—",
    }


def test_equity_splits_the_funnel_by_qpv_gender_and_age(three: dict[str, Built]) -> None:
    mel = financier("MEL")
    line(three["b"], mel, proposed="10000", granted="10000", mel=True)
    equity = plan_indicators(SEMESTER).section("equity")
    by_qpv, _communes, by_gender, by_age = equity.tables
    assert _numbers(by_qpv, 1) == {
        "En quartier prioritaire (QPV)": 1, "Hors quartier prioritaire": 1,
        "Situation QPV à vérifier": 0, "Non renseigné": 1,
    }  # fmt: skip
    assert _column(by_qpv, 6)["En quartier prioritaire (QPV)"] == "10\u202f000\u00a0€"
    assert _numbers(by_gender, 5) == {
        "Femme": 1, "Homme": 0, "Autre": 0, "Ne souhaite pas répondre": 0, "Non renseigné": 0,
    }  # fmt: skip
    assert _numbers(by_gender, 1)["Ne souhaite pas répondre"] == 1
    assert _numbers(by_gender, 1)["Non renseigné"] == 1
    assert _numbers(by_age, 1)["26 à 35 ans"] == 1


def test_the_indicators_survive_their_json(three: dict[str, Built]) -> None:
    indicators = plan_indicators(SEMESTER)
    assert PlanIndicators.from_json(indicators.to_json()) == indicators


def test_small_counts_and_the_money_over_them_are_hidden_without_a_number(
    settings: Any, three: dict[str, Built]
) -> None:
    settings.STATISTICS_MIN_CELL = 3
    line(three["b"], financier("MEL"), proposed="10000", granted="10000", mel=True)
    indicators = plan_indicators(SEMESTER)
    funnel = indicators.section("funnel")
    funded = next(r for r in funnel.tables[0].rows if r.label == "Financés")
    assert funded.values[0].display == "non publié"
    assert funded.values[0].number is None
    money = {f.key: f.value for f in indicators.section("money").figures}
    assert money["granted"].number is None
    for table in indicators.section("equity").tables:
        for row in table.rows:
            for value in row.values:
                assert value.number is None or value.number == 0 or value.number >= 3


def test_communes_with_few_dossiers_are_merged(settings: Any) -> None:
    settings.STATISTICS_MIN_CELL = 2
    lille, roubaix = commune("59350", "Lille"), commune("59512", "Roubaix")
    for _ in range(3):
        dossier(first=day(0), commune=lille)
    dossier(first=day(0), commune=roubaix)
    communes = plan_indicators(SEMESTER).section("equity").tables[1]
    assert [r.label for r in communes.rows] == ["Lille", "Autres communes (regroupées)"]

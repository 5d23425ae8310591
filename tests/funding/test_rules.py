"""The rules in force on a date decide the caps, the eligible forms and the documents."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.exceptions import ApplicationError
from applicants.models import LegalForm
from funding.models import CallRuleVersion, Programme
from funding.selectors import required_documents_for, rule_version_in_force, scoring_grid
from funding.services.rules import legal_form_is_eligible, requested_amount_check

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def programme(db: None) -> Programme:
    call_command("load_programme_rules", stdout=StringIO())
    return Programme.objects.get(slug="entreprendre-autrement")


@pytest.fixture
def rules_2024(programme: Programme) -> CallRuleVersion:
    return rule_version_in_force(programme=programme, on_date=datetime.date(2024, 6, 1))


def _form(code: str) -> LegalForm:
    return LegalForm.objects.get(code=code)


def test_a_dossier_of_june_2023_falls_under_the_2021_2023_rules_with_a_20000_cap(
    programme: Programme,
) -> None:
    version = rule_version_in_force(programme=programme, on_date=datetime.date(2023, 6, 1))
    assert version.label == "Règlement 2021-2023"
    assert version.grant_cap == Decimal("20000")
    assert version.startup_age_limit_years == 3


def test_a_dossier_of_june_2024_falls_under_the_2024_rules_with_a_30000_cap(
    rules_2024: CallRuleVersion,
) -> None:
    assert rules_2024.label == "Règlement 2024"
    assert rules_2024.grant_cap == Decimal("30000")
    assert rules_2024.startup_age_limit_years == 5


def test_the_last_day_of_a_version_still_belongs_to_it(programme: Programme) -> None:
    version = rule_version_in_force(programme=programme, on_date=datetime.date(2023, 12, 31))
    assert version.label == "Règlement 2021-2023"


def test_a_date_before_every_version_is_refused_with_a_clear_message(
    programme: Programme,
) -> None:
    with pytest.raises(ApplicationError, match="n'est en vigueur le 01/06/2019"):
        rule_version_in_force(programme=programme, on_date=datetime.date(2019, 6, 1))


def test_a_version_overlapping_another_is_refused(programme: Programme) -> None:
    version = CallRuleVersion(
        programme=programme,
        label="Règlement 2025",
        valid_from=datetime.date(2025, 1, 1),
        grant_cap=Decimal("30000"),
        cap_percent_of_budget=Decimal("30"),
        startup_age_limit_years=5,
    )
    with pytest.raises(ValidationError, match="chevauche la version « Règlement 2024 »"):
        version.full_clean()


def test_a_version_ending_before_it_starts_is_refused(programme: Programme) -> None:
    version = CallRuleVersion(
        programme=programme,
        label="Erreur",
        valid_from=datetime.date(2030, 1, 1),
        valid_until=datetime.date(2029, 1, 1),
        grant_cap=Decimal("1"),
        cap_percent_of_budget=Decimal("30"),
        startup_age_limit_years=5,
    )
    with pytest.raises(ValidationError, match="précède son début"):
        version.full_clean()


def test_a_request_over_the_cap_is_refused_with_the_amounts_in_french(
    rules_2024: CallRuleVersion,
) -> None:
    problems = requested_amount_check(
        rule_version=rules_2024, requested=Decimal("35000"), budget=Decimal("200000")
    )
    assert problems == [
        f"Le montant demandé (35{NNBSP}000,00{NBSP}€) dépasse le plafond de "
        f"30{NNBSP}000,00{NBSP}€ du règlement 2024."
    ]


def test_a_request_over_30_percent_of_the_budget_gives_the_maximum_allowed(
    rules_2024: CallRuleVersion,
) -> None:
    problems = requested_amount_check(
        rule_version=rules_2024, requested=Decimal("15000"), budget=Decimal("40000")
    )
    assert problems == [
        f"Le montant demandé (15{NNBSP}000,00{NBSP}€) dépasse 30{NBSP}% du budget "
        f"prévisionnel (40{NNBSP}000,00{NBSP}€) : il ne peut pas dépasser "
        f"12{NNBSP}000,00{NBSP}€."
    ]


def test_a_request_breaking_both_rules_reports_both(rules_2024: CallRuleVersion) -> None:
    problems = requested_amount_check(
        rule_version=rules_2024, requested=Decimal("35000"), budget=Decimal("100000")
    )
    assert len(problems) == 2
    assert "plafond" in problems[0]
    assert "30\u00a0% du budget" in problems[1]


def test_a_request_within_both_caps_passes(rules_2024: CallRuleVersion) -> None:
    assert (
        requested_amount_check(
            rule_version=rules_2024, requested=Decimal("30000"), budget=Decimal("100000")
        )
        == []
    )


def test_the_same_request_passes_in_2024_but_not_under_the_2021_2023_cap(
    programme: Programme, rules_2024: CallRuleVersion
) -> None:
    older = rule_version_in_force(programme=programme, on_date=datetime.date(2022, 3, 1))
    requested, budget = Decimal("25000"), Decimal("100000")
    assert requested_amount_check(rule_version=rules_2024, requested=requested, budget=budget) == []
    assert requested_amount_check(rule_version=older, requested=requested, budget=budget) == [
        f"Le montant demandé (25{NNBSP}000,00{NBSP}€) dépasse le plafond de "
        f"20{NNBSP}000,00{NBSP}€ du règlement 2021-2023."
    ]


def test_a_zero_budget_is_reported_instead_of_dividing_by_it(
    rules_2024: CallRuleVersion,
) -> None:
    problems = requested_amount_check(
        rule_version=rules_2024, requested=Decimal("1000"), budget=Decimal("0")
    )
    assert problems == ["Le budget prévisionnel doit être supérieur à zéro."]


def test_ess_forms_and_esus_companies_are_eligible_but_not_other_companies(
    rules_2024: CallRuleVersion,
) -> None:
    for code in ("association", "scop", "scic", "cooperative", "mutuelle", "fondation"):
        assert legal_form_is_eligible(rule_version=rules_2024, legal_form=_form(code)), code
    assert legal_form_is_eligible(rule_version=rules_2024, legal_form=_form("company_esus"))
    assert not legal_form_is_eligible(rule_version=rules_2024, legal_form=_form("company"))
    assert not legal_form_is_eligible(rule_version=rules_2024, legal_form=_form("not_created"))


def test_an_association_is_asked_for_its_declaration_and_republican_contract(
    rules_2024: CallRuleVersion,
) -> None:
    codes = set(
        required_documents_for(
            rule_version=rules_2024, legal_form=_form("association")
        ).values_list("code", flat=True)
    )
    assert {"statuts", "rib", "budget_previsionnel", "declaration_honneur"} <= codes
    assert {"recepisse_declaration", "contrat_engagement_republicain"} <= codes
    assert "kbis" not in codes


def test_an_esus_company_is_asked_for_a_recent_kbis_and_its_esus_decision(
    rules_2024: CallRuleVersion,
) -> None:
    codes = set(
        required_documents_for(
            rule_version=rules_2024, legal_form=_form("company_esus")
        ).values_list("code", flat=True)
    )
    assert {"statuts", "rib", "kbis", "decision_esus"} <= codes
    assert "contrat_engagement_republicain" not in codes


def test_common_documents_are_listed_before_the_form_specific_ones(
    rules_2024: CallRuleVersion,
) -> None:
    documents = list(required_documents_for(rule_version=rules_2024, legal_form=_form("scop")))
    firsts = [doc.legal_form_id is None for doc in documents]
    assert firsts == sorted(firsts, reverse=True)
    assert documents[-1].code == "kbis"


def test_the_scoring_grid_has_seven_criteria_weighing_100_percent(
    rules_2024: CallRuleVersion,
) -> None:
    grid = list(scoring_grid(rule_version=rules_2024))
    assert [c.weight_percent for c in grid] == [25, 20, 15, 15, 10, 10, 5]
    assert {c.max_score for c in grid} == {4}
    assert grid[0].code == "utilite_sociale"

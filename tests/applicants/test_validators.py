from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from applicants.validators import (
    format_iban_masked,
    normalise_naf,
    validate_iban,
    validate_naf,
    validate_rna,
    validate_siren,
    validate_siret,
)


@pytest.mark.parametrize("value", ["73282932000074", "732 829 320 00074", "732.829.320.00074"])
def test_a_valid_siret_is_accepted_with_or_without_separators(value: str) -> None:
    validate_siret(value)


def test_a_la_poste_siret_passes_on_the_sum_of_its_digits_not_luhn() -> None:
    # La Poste establishments do not follow Luhn: the digits must add up to a multiple of 5.
    validate_siret("35600000049837")
    validate_siret("35600000000048")  # head office, which also passes Luhn
    with pytest.raises(ValidationError):
        validate_siret("35600000049838")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("73282932000079", "n'existe pas"),
        ("7328293200007", "exactement 14 chiffres"),
        ("7328293200007A", "que des chiffres"),
    ],
)
def test_a_wrong_siret_is_explained_in_french(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_siret(value)


def test_siren_uses_luhn() -> None:
    validate_siren("732829320")
    with pytest.raises(ValidationError, match="SIREN"):
        validate_siren("732829321")


@pytest.mark.parametrize("value", ["W595012345", "w595012345", "W 595 012 345"])
def test_rna_is_w_and_nine_digits(value: str) -> None:
    validate_rna(value)


@pytest.mark.parametrize("value", ["595012345", "W59501234", "W5950123456", "X595012345"])
def test_a_malformed_rna_is_refused_with_an_example(value: str) -> None:
    with pytest.raises(ValidationError, match=r"W595012345"):
        validate_rna(value)


@pytest.mark.parametrize(
    ("raw", "normalised"), [("8899B", "88.99B"), ("88.99b", "88.99B"), ("56 10 A", "56.10A")]
)
def test_naf_codes_are_normalised(raw: str, normalised: str) -> None:
    assert normalise_naf(raw) == normalised
    validate_naf(raw)


def test_a_malformed_naf_code_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"88\.99B"):
        validate_naf("889B")


def test_a_french_iban_with_spaces_is_accepted_and_shown_masked() -> None:
    validate_iban("FR76 3000 6000 0112 3456 7890 189")
    assert format_iban_masked("FR7630006000011234567890189") == "FR76 •••• •••• 0189"


@pytest.mark.parametrize(
    ("value", "message"), [("FR7630006000011234567890188", "RIB"), ("FR76300060", "incomplet")]
)
def test_a_wrong_iban_is_refused(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_iban(value)

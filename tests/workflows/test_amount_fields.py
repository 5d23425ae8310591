"""Money typed the French way is read, and stored amounts are shown back the French way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms

from workflows.fields import AmountField

NNBSP = "\u202f"


class _Form(forms.Form):
    amount = AmountField(label="Montant (€)", required=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12 000", Decimal("12000")),
        ("12 000,50", Decimal("12000.50")),
        ("12000.50", Decimal("12000.50")),
        ("12 000 €", Decimal("12000")),
        (f"12{NNBSP}000,50\u00a0€", Decimal("12000.50")),
    ],
)
def test_amounts_typed_the_french_way_are_read(typed: str, expected: Decimal) -> None:
    form = _Form({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == expected


def test_a_stored_amount_is_shown_back_with_spaces_and_a_comma() -> None:
    html = str(_Form(initial={"amount": Decimal("12000.00")})["amount"])
    assert f'value="12{NNBSP}000,00"' in html
    assert "12000.00" not in html


def test_what_was_typed_is_shown_back_as_typed_with_the_french_error() -> None:
    form = _Form({"amount": "douze mille"})
    assert not form.is_valid()
    assert 'value="douze mille"' in str(form["amount"])
    assert "Saisissez un montant en euros" in form.errors["amount"][0]

"""Amounts are shown the French way everywhere: messages, templates, admin lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from funding.formatting import format_euros, format_percent

NNBSP, NBSP = "\u202f", "\u00a0"


def test_thousands_are_separated_by_a_narrow_no_break_space_and_cents_by_a_comma() -> None:
    assert format_euros(Decimal("30000")) == f"30{NNBSP}000,00{NBSP}€"
    assert format_euros(Decimal("12345.67")) == f"12{NNBSP}345,67{NBSP}€"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("0"), "0,00"),
        (Decimal("999.5"), "999,50"),
        (Decimal("1000"), f"1{NNBSP}000,00"),
        (Decimal("1234567.891"), f"1{NNBSP}234{NNBSP}567,89"),
        (Decimal("0.005"), "0,01"),  # half up, as people round money
        (Decimal("-1500"), f"-1{NNBSP}500,00"),
        (20000, f"20{NNBSP}000,00"),
    ],
)
def test_amounts_are_grouped_by_thousands_and_rounded_to_the_cent(
    amount: Decimal | int, expected: str
) -> None:
    assert format_euros(amount) == f"{expected}{NBSP}€"


def test_percentages_drop_useless_decimals() -> None:
    assert format_percent(Decimal("30.00")) == f"30{NBSP}%"
    assert format_percent(Decimal("12.50")) == f"12,5{NBSP}%"


def test_the_euros_filter_formats_amounts_in_templates_and_leaves_blanks_empty() -> None:
    template = Template("{% load money %}[{{ a|euros }}][{{ b|euros }}][{{ c|euros }}]")
    rendered = template.render(Context({"a": Decimal("30000"), "b": None, "c": "n/a"}))
    assert rendered == f"[30{NNBSP}000,00{NBSP}€][][]"


def test_the_euros_filter_reads_floats_by_their_shortest_decimal_form() -> None:
    rendered = Template("{% load money %}{{ a|euros }}").render(Context({"a": 1234.1}))
    assert rendered == f"1{NNBSP}234,10{NBSP}€"

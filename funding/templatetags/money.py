"""``{% load money %}`` then ``{{ amount|euros }}``: amounts the French way, as in messages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from funding.formatting import format_euros

register = template.Library()


@register.filter(name="euros")
def euros(value: Decimal | int | float | str | None) -> str:
    """Format an amount as ``12 345,67 €``; empty or unreadable values show as nothing."""
    if value is None or value == "":
        return ""
    try:
        # Floats go through str() so 0.1 stays 0.1 and not its binary approximation.
        amount = Decimal(str(value))
    except InvalidOperation:
        return ""
    if not amount.is_finite():
        return ""
    return format_euros(amount)

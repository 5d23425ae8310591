"""French display of amounts, shared by services' messages and templates.

Django's own ``number_format`` follows the active locale, whose French thousands separator
is a plain no-break space and whose output changes with ``USE_THOUSAND_SEPARATOR``. Money
shown to applicants and written in letters must look the same everywhere, so it is
formatted here, independently of settings.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from accounts.french import NNBSP, group_thousands

THOUSANDS_SEPARATOR = NNBSP
UNIT_SEPARATOR = "\u00a0"  # espace insécable: "€" or "%" never starts a line on its own


def format_number(amount: Decimal | int, *, places: int = 2) -> str:
    """``12345.6`` → ``"12 345,60"``: grouped by thousands, decimal comma, rounded half up."""
    quantum = Decimal(1).scaleb(-places)
    value = Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    integer, _, decimals = f"{abs(value):f}".partition(".")
    grouped = group_thousands(integer)
    return f"{sign}{grouped},{decimals}" if decimals else f"{sign}{grouped}"


def format_euros(amount: Decimal | int) -> str:
    """``Decimal("12345.67")`` → ``"12 345,67 €"`` (narrow no-break space between thousands)."""
    return f"{format_number(amount)}{UNIT_SEPARATOR}€"


def format_percent(value: Decimal | int) -> str:
    """``Decimal("30.00")`` → ``"30 %"``, ``Decimal("12.50")`` → ``"12,5 %"``."""
    text = format_number(value, places=2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}{UNIT_SEPARATOR}%"

"""Numbers as a French reader reads them, and the values that carry them.

Whole euros ("12 000 €"), one decimal for FTE ("3,5 ETP"), days ("45 jours"), percentages
("42 %"), with the narrow no-break space between thousands and a no-break space before the
unit (``funding.formatting``). A hidden value reads "non publié" (a count) or "—" (an amount
or a duration over too few dossiers) and carries no number. One label for every hidden count,
small or hidden with it: "moins de 3" beside "non publié" would tell which cells are small,
a range an attacker adds to the published totals.
"""

from __future__ import annotations

from decimal import Decimal

from accounts.french import plural
from funding.formatting import UNIT_SEPARATOR, format_number
from steering.indicators.cells import threshold
from steering.indicators.types import Value

HIDDEN = "—"
HIDDEN_HELP = "Non publié : trop peu de dossiers pour que ce chiffre reste anonyme."


HIDDEN_COUNT = "non publié"


def hidden_count(count: int) -> Value:
    return Value(HIDDEN_COUNT)


def count(value: int, *, hide: bool = False) -> Value:
    if hide or 0 < value < threshold():
        return hidden_count(value)
    return Value(format_number(value, places=0), value)


def euros(amount: Decimal | int | None, *, hide: bool = False) -> Value:
    if hide or amount is None:
        return Value(HIDDEN)
    rounded = Decimal(amount).quantize(Decimal(1))
    return Value(f"{format_number(rounded, places=0)}{UNIT_SEPARATOR}€", float(rounded))


def fte(amount: Decimal | float | None, *, hide: bool = False) -> Value:
    if hide or amount is None:
        return Value(HIDDEN)
    rounded = Decimal(str(amount)).quantize(Decimal("0.1"))
    text = format_number(rounded, places=1).removesuffix(",0")
    return Value(f"{text}{UNIT_SEPARATOR}ETP", float(rounded))


def days(value: float | None, *, hide: bool = False) -> Value:
    if hide or value is None:
        return Value(HIDDEN)
    whole = round(value)
    return Value(
        f"{format_number(whole, places=0)}{UNIT_SEPARATOR}{plural(whole, 'jour', 'jours')}", whole
    )


def percent(part: int, whole: int, *, hide: bool = False) -> Value:
    if hide or whole == 0:
        return Value(HIDDEN)
    share = Decimal(100 * part) / Decimal(whole)
    rounded = share.quantize(Decimal(1))
    return Value(f"{format_number(rounded, places=0)}{UNIT_SEPARATOR}%", float(rounded))


def ratio(value: Decimal | None, *, hide: bool = False) -> Value:
    """Euros per euro: "2,40 €"."""
    if hide or value is None:
        return Value(HIDDEN)
    rounded = value.quantize(Decimal("0.01"))
    return Value(f"{format_number(rounded)}{UNIT_SEPARATOR}€", float(rounded))


def number(value: int | Decimal | None, *, hide: bool = False) -> Value:
    if hide or value is None:
        return Value(HIDDEN)
    rounded = Decimal(value).quantize(Decimal(1))
    return Value(format_number(rounded, places=0), float(rounded))

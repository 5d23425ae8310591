"""``{% load committee %}``: how the committee's pages say dates, amounts and counts.

The session's moment reads "mardi 24 mars 2027 à 14 h 00", the French way and whatever the
active locale; a time nobody would set for a meeting (midnight: a date entered without its
hour; or off the five-minute marks, as a generated "07:06") is left out rather than shown
as if it meant something.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.french import long_date
from funding.formatting import UNIT_SEPARATOR, format_number

register = template.Library()

NBSP = "\u00a0"


@register.filter
def french_date(value: datetime.date | None) -> str:
    """``date(2027, 3, 24)`` → "mardi 24 mars 2027"; the first of a month is "1er"."""
    return "" if value is None else long_date(value, weekday=True)


def has_meaningful_time(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment)
    return (local.hour, local.minute) != (0, 0) and local.minute % 5 == 0


@register.filter
def session_moment(value: datetime.datetime | None) -> str:
    """ "mardi 24 mars 2027 à 14 h 00", or the date alone when the time means nothing."""
    if value is None:
        return ""
    if not has_meaningful_time(value):
        return french_date(value)
    local = timezone.localtime(value)
    return f"{french_date(local)} à {local.hour}{NBSP}h{NBSP}{local.minute:02d}"


@register.filter
def euros_round(value: Decimal | int | None) -> str:
    """ "12 000 €" for whole amounts, "12 000,50 €" otherwise (the committee reads plans)."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return "—"
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{format_number(amount, places=places)}{UNIT_SEPARATOR}€"


def _french(count: int) -> int:
    # French puts 0 and 1 in the singular; without a catalogue entry gettext would apply
    # the English rule (0 → plural), so the count it chooses by is clamped to 1.
    return 1 if count <= 1 else count


@register.filter
def notations(count: int) -> str:
    """ "1 notation", "2 notations": the plural computed."""
    return ngettext("%(n)d notation", "%(n)d notations", _french(count)) % {"n": count}


@register.simple_tag
def notations_out_of(done: int, expected: int) -> str:
    """ "3 notations sur 4", "1 notation sur 1", "0 notation sur 2"."""
    return ngettext(
        "%(done)d notation sur %(expected)d", "%(done)d notations sur %(expected)d", _french(done)
    ) % {"done": done, "expected": expected}

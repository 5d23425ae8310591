"""``{% load committee %}``: how the committee's pages say dates, amounts and counts.

The session's moment reads "mardi 24 mars 2027 à 14 h 00" (``accounts.french`` dates), the
French way and whatever the active locale; a time nobody would set for a meeting (midnight: a date entered without its
hour; or off the five-minute marks, as a generated "07:06") is left out rather than shown
as if it meant something.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from accounts.french import NBSP, long_date, plural
from funding.formatting import UNIT_SEPARATOR, format_number

register = template.Library()


def has_meaningful_time(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment)
    return (local.hour, local.minute) != (0, 0) and local.minute % 5 == 0


@register.filter
def session_moment(value: datetime.datetime | None) -> str:
    """ "mardi 24 mars 2027 à 14 h 00", or the date alone when the time means nothing."""
    if value is None:
        return ""
    if not has_meaningful_time(value):
        return long_date(value, weekday=True)
    local = timezone.localtime(value)
    return f"{long_date(local, weekday=True)} à {local.hour}{NBSP}h{NBSP}{local.minute:02d}"


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


@register.filter
def notations(count: int) -> str:
    """ "1 notation", "2 notations": the plural computed."""
    return f"{count} {plural(count, 'notation', 'notations')}"


@register.simple_tag
def notations_out_of(done: int, expected: int) -> str:
    """ "3 notations sur 4", "1 notation sur 1", "0 notation sur 2"."""
    return f"{done} {plural(done, 'notation', 'notations')} sur {expected}"

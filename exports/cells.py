"""A cell's value as the file holds it: text neutralised against formulas, numbers as
French or international text (CSV), dates as days."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.french import group_thousands
from exports.registry import Kind

# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(...),
# +cmd|..., -2+3, @SUM(...)); tab and carriage return hide such a start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets skip leading blanks (a no-break space, a line break) and read the fullwidth
# signs (U+FF1D, U+FF0B, U+FF0D, U+FF20) as the plain ones: the start is looked for past
# those too (NFKC turns them into = + - @). Zero-width characters are not ``isspace`` in
# Python, so they are named.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def safe_text(value: Any) -> str:
    """Text that a spreadsheet never runs: a leading apostrophe before a formula start,
    even one hidden behind blanks or written in fullwidth signs."""
    text = str(value)
    seen = unicodedata.normalize("NFKC", text).lstrip().lstrip(INVISIBLE).lstrip()
    return (
        f"'{text}" if text.startswith(FORMULA_STARTS) or seen.startswith(FORMULA_STARTS) else text
    )


def as_number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def as_day(value: Any) -> datetime.date | None:
    """A date, or a moment as the day it was in France."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def number_text(value: Decimal, *, french: bool) -> str:
    """ "12 000,50" (French) or "12000.50"; as many decimals as the value holds."""
    text = f"{value:f}"
    if not french:
        return text
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    grouped = group_thousands(whole, " ")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def csv_cell(value: Any, kind: Kind, *, french: bool) -> str:
    """One CSV field: numbers never neutralised (a negative amount stays a number)."""
    if value is None:
        return ""
    if kind in (Kind.NUMBER, Kind.MONEY):
        number = as_number(value)
        return "" if number is None else number_text(number, french=french)
    if kind is Kind.DATE:
        day = as_day(value)
        return "" if day is None else day.strftime("%d/%m/%Y")
    return safe_text(value)

"""French typography shared by every layer (accounts is the lowest): plurals by the French
rule (0 and 1 are singular), long dates with "1er", names sorted the French way.

Django's ``pluralize`` treats 0 as plural and gives nothing for a lazy count (hence
"dont 4 non lue"); its ``date`` filter writes "1 février". These helpers do not depend on
the locale settings.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate
from django.utils import timezone

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
NBSP = "\u00a0"
NNBSP = "\u202f"  # espace fine insécable: between thousands, as in the Unicode CLDR "fr" locale


def group_thousands(digits: str, separator: str = NNBSP) -> str:
    """``"1234567"`` → ``"1 234 567"``: the whole part of a number, grouped by three."""
    groups: list[str] = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.insert(0, tail)
    groups.insert(0, digits)
    return separator.join(groups)


def is_plural(count: Any) -> bool:
    """French rule: under 2 (0, 1, 1,5) takes the singular, 2 and more the plural."""
    # str() first: a lazy count (the menu's unread notifications) has no int() of its own.
    try:
        return abs(Decimal(str(count))) >= 2
    except (InvalidOperation, ValueError):
        return False


def plural(count: Any, singular: str, plural_form: str) -> str:
    return plural_form if is_plural(count) else singular


def long_date(value: datetime.date | datetime.datetime, *, weekday: bool = False) -> str:
    """``mardi 1er février 2027`` (``weekday``) or ``1er février 2027``; datetimes are read
    in the local time zone. Non-breaking spaces keep the date on one line."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    day = "1er" if value.day == 1 else str(value.day)
    text = NBSP.join((day, MONTHS[value.month - 1], str(value.year)))
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def collation_key(name: str) -> tuple[str, str]:
    """Sort key for names: letters first without accents or case ("Pérenchies" among the
    "Pe…"), accents and case then break ties, as a French dictionary does."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    base = "".join(c for c in folded if not unicodedata.combining(c))
    return base, name


# Collation names per database: PostgreSQL's ICU French collation, and on SQLite the one
# accounts registers on each connection (``register_sqlite_collation``).
COLLATIONS = {"postgresql": "fr-x-icu", "sqlite": "fr"}


def french_order(*fields: str) -> list[Any]:
    """``queryset.order_by(*french_order("name"))``: "Pérenchies, Prémesques, Provin", not
    the accents last as a byte order puts them. Other databases keep their own order."""
    collation = COLLATIONS.get(connection.vendor)
    if collation is None:
        return list(fields)
    return [Collate(F(field), collation) for field in fields]


def _compare(left: str, right: str) -> int:
    a, b = collation_key(left), collation_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: teaches each SQLite connection the French order."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATIONS["sqlite"], _compare)

"""A column of the lab's files: what it means (for the dictionary), where its value comes from
(an ORM expression, so only the selected columns are read) and how its cell is written.

Cells follow the French CSV conventions the files announce in ``LISEZMOI.txt``: dates as
``AAAA-MM-JJ``, numbers with a decimal comma and no thousands separator, an empty cell when
the value is unknown or does not apply.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .pseudonyms import Pseudonyms

Cell = Callable[[Any, Pseudonyms], str]
Source = Callable[["Paths"], Any]  # an ORM expression: F, Value, Subquery, Case…


@dataclass(frozen=True)
class Paths:
    """How a query reaches the dossier's records from the rows it reads: an application's
    dossier has all of them, a project not yet at the application stage has no application
    (``application is None``: those columns are empty)."""

    project: str = ""  # "project__" from an application, "" from a project
    journey: str = ""  # "source_journey__" from an application, "journey__" from a project
    application: str | None = None  # "" from an application, None from a project


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    kind: str  # in the reader's words: texte, date, nombre, entier, pseudonyme
    source: Source
    cell: Cell
    unit: str = ""
    allowed: str = ""  # the values a cell may hold, when they form a list


@dataclass(frozen=True)
class LabFile:
    name: str
    description: str
    columns: tuple[Column, ...]
    # Each query yields rows with one key per column (the column's name).
    queries: tuple[Callable[[], Any], ...] = field(default_factory=tuple)

    def rows(self, *, chunk_size: int) -> Iterable[dict[str, Any]]:
        for query in self.queries:
            yield from query().iterator(chunk_size=chunk_size)

    def count(self) -> int:
        return sum(query().count() for query in self.queries)


# Cells ------------------------------------------------------------------------------------


def text(value: Any, _: Pseudonyms) -> str:
    return "" if value is None else str(value)


def day(value: Any, _: Pseudonyms) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.isoformat()


def number(value: Any, _: Pseudonyms) -> str:
    """A decimal comma (``read.csv2`` in R, ``decimal=","`` in pandas), two places."""
    if value is None:
        return ""
    return f"{Decimal(value):.2f}".replace(".", ",")


def integer(value: Any, _: Pseudonyms) -> str:
    return "" if value is None else str(int(value))


def yes_no(value: Any, _: Pseudonyms) -> str:
    return {True: "oui", False: "non"}.get(value, "inconnu")


def person(value: Any, pseudonyms: Pseudonyms) -> str:
    return pseudonyms.person(value)


def dossier(value: Any, pseudonyms: Pseudonyms) -> str:
    return pseudonyms.dossier(value)


def label(choices: Iterable[tuple[Any, Any]], *, blank: str = "") -> Cell:
    """The French label of a coded value; ``blank`` for an empty one."""
    labels = {value: str(name) for value, name in choices}

    def cell(value: Any, _: Pseudonyms) -> str:
        if value in (None, ""):
            return blank
        return labels.get(value, "")

    return cell


def listed(choices: Iterable[tuple[Any, Any]], *extra: str) -> str:
    """The dictionary's "allowed values": labels separated by " | "."""
    names = [str(name) for value, name in choices if value not in (None, "")]
    return " | ".join([*names, *extra])


YES_NO_UNKNOWN = "oui | non | inconnu"
DATE = "date (AAAA-MM-JJ)"

"""A column of the lab's files: what it means (for the dictionary), where its value comes from
(an ORM expression, so only the selected columns are read) and how its cell is written.

Cells follow the French CSV conventions the files announce in ``LISEZMOI.txt``: dates as
months ``AAAA-MM``, sums of money as 5 000 € bands, other numbers with a decimal comma and no
thousands separator, an empty cell when the value is unknown or does not apply. Why months
and bands: see ``steering.lab.dossiers``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from funding.formatting import UNIT_SEPARATOR, format_number

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


def month(value: Any, _: Pseudonyms) -> str:
    """``AAAA-MM``: a day would join the open-data file's ``dateConvention`` (and others)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year:04d}-{value.month:02d}"


BAND_WIDTH = 5000
EN_DASH = "\u2013"  # between a band's bounds, as French typography writes a range


def euros(amount: int) -> str:
    return f"{format_number(amount, places=0)}{UNIT_SEPARATOR}€"


def band_label(value: Any, *, top: int | None) -> str:
    """``"10 000 € - 14 999 €"`` (an en dash); from ``top`` on, one open band ``"20 000 € ou plus"``."""
    if value is None:
        return ""
    low = int(Decimal(value) // BAND_WIDTH) * BAND_WIDTH
    if top is not None and low >= top:
        return f"{euros(top)} ou plus"
    if low < 0:
        return f"moins de {euros(0)}"
    return f"{euros(low)} {EN_DASH} {euros(low + BAND_WIDTH - 1)}"


def grant_top() -> int:
    """The first band that may hold a grant the open-data file publishes (above the legal
    threshold): every such amount shares this one open band."""
    threshold = int(Decimal(settings.OPEN_DATA_GRANT_THRESHOLD))
    return threshold // BAND_WIDTH * BAND_WIDTH


def grant_band(value: Any, _: Pseudonyms) -> str:
    """A sum a financier may publish (requested, proposed, granted, paid): top-coded."""
    return band_label(value, top=grant_top())


def band(value: Any, _: Pseudonyms) -> str:
    """A sum nobody publishes with the grant (budget, turnover): bands without a top."""
    return band_label(value, top=None)


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
DATE = "mois (AAAA-MM)"
BAND = "tranche de montant"
BANDS = f"« {band_label(0, top=None)} », « {band_label(BAND_WIDTH, top=None)} »…"
GRANT_BANDS = f"{BANDS}, jusqu'à « {band_label(grant_top(), top=grant_top())} »"

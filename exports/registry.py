"""The registry of the staff lists that can be exported.

Each stage declares its lists from its own module (``workflows/application/exports.py``…),
imported by its ``AppConfig.ready``: this app knows no domain. A list export says how to
build the list's filter set for a reader and a query string (the one its page builds, so
the rows are the page's: per object, filtered, searched and sorted the same way) and
which columns it writes, each with its French label and the kind of its cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from accounts.listing import PAGE_PARAM, ListFilter
from accounts.policy import Persona
from accounts.selectors import AnyUser, user_personas

# The export's own parameters, never handed to the list's filters.
FORMAT_PARAM, FRENCH_NUMBERS_PARAM = "format", "nombres_fr"
OWN_PARAMS = (FORMAT_PARAM, FRENCH_NUMBERS_PARAM, PAGE_PARAM, "csrfmiddlewaretoken")
# Rows read from the database at once. Memory holds two chunks of raw rows at the turn of
# a chunk (their joins make them wide: some 3 kB each in Python), whatever the number of
# rows exported; the query is one all the same (PostgreSQL: a server-side cursor fetched
# by chunks, a round trip of well under a millisecond each). 2 000 rows at once held
# 5 MB more at 2 000 rows than at 200; 100 keeps the peak flat (tests/exports/test_memory.py).
CHUNK_SIZE = 100


class Kind(Enum):
    """How a cell is written: text, a number, an amount in euros, a date."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any], Any]
    kind: Kind = Kind.TEXT
    # Contacts (e-mail, SIRET): only for readers the list's search may look them up for
    # (``ListFilter.reads_contacts``: MEL staff).
    contacts: bool = False
    width: int = 0  # characters; 0: from the label and the kind


@dataclass(frozen=True)
class ListRequest:
    """What a list's filters read of a request: the reader and the query string."""

    user: Any
    GET: QueryDict


@dataclass(frozen=True)
class ListExport:
    name: str  # in the export's address, e.g. "candidatures"
    title: str  # "Candidatures": the file's name and the sheet's
    noun: tuple[str, str]  # ("candidature", "candidatures")
    page: str  # the list page's URL name, for the way back
    filterset: Callable[[AnyUser, QueryDict, ListRequest], ListFilter]
    columns: tuple[Column, ...]
    # Tables the export reads beyond the page's rows (joined, never a query per row).
    joins: tuple[str, ...] = ()
    # Who may open the list page at all (beyond per-object visibility of its rows).
    may_open: Callable[[AnyUser], bool] = field(default=lambda user: True)
    # A list its page reads otherwise than through its filter set (the inbox): its rows,
    # as the page reads them, from the reader and the list's query.
    read: Callable[[AnyUser, QueryDict], list[Any]] | None = None

    def build(self, user: AnyUser, query: QueryDict) -> ListFilter:
        """The list's filter set, as its page builds it for ``user``."""
        kept = list_query(query)
        return self.filterset(user, kept, ListRequest(user=user, GET=kept))

    def known_query(self, user: AnyUser, query: QueryDict) -> QueryDict:
        """Only the parameters the list's page reads (its filters, search and sort): a
        tracker or a stray parameter neither reaches the file nor takes a job's room."""
        kept = list_query(query)
        names = set(self.build(user, kept).filters)
        known = QueryDict(mutable=True)
        for name, values in kept.lists():
            if name in names:
                known.setlist(name, values)
        return known

    def queryset(self, user: AnyUser, query: QueryDict) -> QuerySet[Any]:
        """The page's rows (all pages), in the page's order, with the columns' joins."""
        queryset = self.build(user, query).qs
        return queryset.select_related(*self.joins) if self.joins else queryset

    def objects(self, user: AnyUser, query: QueryDict) -> Iterable[Any]:
        if self.read is not None:
            return self.read(user, list_query(query))
        return self.queryset(user, query).iterator(chunk_size=CHUNK_SIZE)

    def count(self, user: AnyUser, query: QueryDict) -> int:
        if self.read is not None:
            return len(self.read(user, list_query(query)))
        return self.build(user, query).qs.count()

    def columns_for(self, user: AnyUser, query: QueryDict) -> tuple[Column, ...]:
        contacts = self.build(user, query).reads_contacts()
        return tuple(c for c in self.columns if contacts or not c.contacts)

    def rows(self, user: AnyUser, query: QueryDict) -> Iterator[list[Any]]:
        """The rows' values, read by chunks: memory stays flat whatever the count."""
        columns = self.columns_for(user, query)
        for obj in self.objects(user, query):
            yield [column.value(obj) for column in columns]


_REGISTRY: dict[str, ListExport] = {}


def register(export: ListExport) -> ListExport:
    if export.name in _REGISTRY and _REGISTRY[export.name] != export:
        raise ValueError(f"Two list exports are named {export.name!r}")
    _REGISTRY[export.name] = export
    return export


def list_export(name: str) -> ListExport | None:
    return _REGISTRY.get(name)


def list_exports() -> list[ListExport]:
    return sorted(_REGISTRY.values(), key=lambda export: export.name)


def list_query(query: QueryDict) -> QueryDict:
    """The list's own parameters (filters, search, sort): the export's are left out."""
    kept = query.copy()
    for name in OWN_PARAMS:
        kept.pop(name, None)
    return kept


def may_export(user: AnyUser, export: ListExport | None = None) -> bool:
    """Exports are for the teams (MEL staff and partner organisations), each getting the rows
    its page shows; a holder reads their own dossiers on their pages."""
    personas = user_personas(user)
    if not personas - {Persona.APPLICANT}:
        return False
    return export is None or export.may_open(user)

"""One search box for every staff list: accent- and case-insensitive, on both databases.

PostgreSQL matches with its French full-text search on the ``unaccent``-ed columns (each
word typed is a prefix: "peren" finds "Pérenchies", "emilie" finds "Émilie", a SIREN finds
its SIRET; French stop words such as "de", "la" or "y" are left out of the match).
SQLite, the development database, has no full text: each word typed must appear in the
accent-stripped, lower-case columns, through functions registered on every SQLite
connection (``register_sqlite_functions``). Both run in the list's own query, so searching
adds no query to a page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import F, Func, Model, Q, QuerySet, TextField, Value
from django.db.models.functions import Lower

M = TypeVar("M", bound=Model)

MAX_QUERY_LENGTH = 100  # a search box, not a document: longer input is cut, never an error
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_SPACED_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")  # "732 829 320" is one SIREN


def strip_accents(text: str) -> str:
    """The text without its accents and ligatures ("Pérenchies" → "Perenchies"), as
    PostgreSQL's ``unaccent`` gives it."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_terms(query: str) -> list[str]:
    """The words of a search, lower case, without accents or punctuation, numbers kept
    whole ("Villeneuve-d'Ascq" → villeneuve, d, ascq; "732 829 320" → 732829320)."""
    folded = strip_accents(str(query)[:MAX_QUERY_LENGTH]).lower()
    folded = _SPACED_DIGITS.sub("", folded)
    return [word for word in _NOT_WORD.split(folded) if word][:10]


class Unaccent(Func):
    """``unaccent(text)``: PostgreSQL's extension (migration ``accounts.0002``), or the
    function registered on SQLite connections."""

    function = "UNACCENT"
    output_field = TextField()


class SearchFold(Func):
    """SQLite only: ``search_fold(a, b, …)``, the columns' text joined, without accents, in
    lower case; one flat call, where nested concatenations overflow SQLite's parser in the
    inbox's union of branches."""

    function = "SEARCH_FOLD"
    output_field = TextField()


def _sqlite_unaccent(value: Any) -> Any:
    return strip_accents(value) if isinstance(value, str) else value


def _sqlite_search_fold(*values: Any) -> str:
    return strip_accents(" ".join(str(v) for v in values if v is not None)).lower()


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: SQLite learns ``unaccent`` and ``search_fold``."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("UNACCENT", 1, _sqlite_unaccent, deterministic=True)
        raw.create_function("SEARCH_FOLD", -1, _sqlite_search_fold, deterministic=True)


def text_search(queryset: QuerySet[M], query: str, fields: Sequence[str]) -> QuerySet[M]:
    """``queryset`` restricted to the rows whose ``fields`` hold every word of ``query``
    (no word: the queryset unchanged)."""
    terms = search_terms(query)
    if not terms or not fields:
        return queryset
    if connection.vendor == "postgresql":
        return _full_text(queryset, terms, fields)
    haystack = queryset.alias(_search_haystack=SearchFold(*[F(field) for field in fields]))
    condition = Q()
    for term in terms:
        condition &= Q(_search_haystack__contains=term)
    return haystack.filter(condition)


def _full_text(queryset: QuerySet[M], terms: list[str], fields: Sequence[str]) -> QuerySet[M]:
    # Imported here: these modules need psycopg, which SQLite-only set-ups may lack.
    from django.contrib.postgres.search import SearchQuery, SearchVector

    # "@" and "." as spaces: PostgreSQL's parser keeps an e-mail address as one token, which
    # the words of the search ("nadia", "example", "org") would never all match.
    vector = SearchVector(
        *[
            Func(
                Unaccent(F(field)),
                Value("@."),
                Value("  "),
                function="TRANSLATE",
                output_field=TextField(),
            )
            for field in fields
        ],
        config="french",
    )
    # Terms hold only [0-9a-z]: safe in a raw tsquery, each one a prefix.
    raw = " & ".join(f"{term}:*" for term in terms)
    return queryset.alias(_search_vector=vector).filter(
        _search_vector=SearchQuery(raw, config="french", search_type="raw")
    )


def folded(field: str) -> Lower:
    """A text column as French readers sort it: accents and case ignored ("Épicerie" with
    the E's, not after "Zoé")."""
    return Lower(Unaccent(F(field)))

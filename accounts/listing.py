"""What every list page shares: a search box, filters and sort keys (django-filter), the
page of rows, the count in words, the sort links of the column headers and the query string
the paging links keep.

A list declares a ``ListFilter`` subclass (its filters, and ``SORTS``: the whitelisted sort
keys, each with its French label and its columns); its view calls ``list_context``.
Unknown or malformed values never fail: the field says what is wrong and is left out of the
filtering, the other filters still apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import django_filters
from django.core.paginator import Page
from django.db.models import F, QuerySet
from django.http import HttpRequest, QueryDict

from accounts.paging import page_by_keys
from accounts.policy import Persona
from accounts.selectors import user_personas

SEARCH_PARAM, SORT_PARAM, PAGE_PARAM = "q", "tri", "page"


class ListFilter(django_filters.FilterSet):
    """Base of the lists' filters: the search box, the sort keys, French labels."""

    # key: (label, columns); "-key" sorts the other way round. The row's key ends every
    # order, so that paging never shows a row twice.
    SORTS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {}
    # Sort columns computed in the list's query (e.g. the next deadline), by name.
    SORT_ALIASES: ClassVar[dict[str, Callable[[], Any]]] = {}
    SEARCH_LABEL: ClassVar[str] = "Rechercher"
    SEARCH_HELP: ClassVar[str] = ""

    q = django_filters.CharFilter(method="search", label="Rechercher")
    tri = django_filters.ChoiceFilter(
        method="sort", label="Trier par", empty_label="Ordre par défaut"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        search = self.form.fields[SEARCH_PARAM]
        search.label, search.help_text = self.SEARCH_LABEL, self.SEARCH_HELP
        search.max_length = 100
        search.widget.input_type = "search"
        search.widget.attrs["maxlength"] = "100"
        choices = []
        for key, (label, _columns) in self.SORTS.items():
            choices += [(key, f"{label} (croissant)"), (f"-{key}", f"{label} (décroissant)")]
        sort = self.form.fields.pop(SORT_PARAM)  # shown last, after the filters
        sort.choices = choices  # the empty choice ("Ordre par défaut") is added by the field
        self.form.fields[SORT_PARAM] = sort

    def reads_contacts(self) -> bool:
        """Whether the search may look in e-mail addresses and SIRET numbers: only for MEL
        staff, who see them on every row; a partner could otherwise learn them by guessing
        (the list answers whether a guess matches)."""
        request = getattr(self, "request", None)
        user = getattr(request, "user", None)
        return user is not None and Persona.MEL_STAFF in user_personas(user)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        raise NotImplementedError  # each list says where its search looks

    def sort(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        key = value.lstrip("-")
        if key not in self.SORTS:
            return queryset
        columns = self.SORTS[key][1]
        computed = [column for column in columns if column in self.SORT_ALIASES]
        queryset = queryset.alias(**{column: self.SORT_ALIASES[column]() for column in computed})
        # Empty values (no amount, no deadline) last, whichever the direction.
        if value.startswith("-"):
            order = [F(column).desc(nulls_last=True) for column in columns]
            return queryset.order_by(*order, "-pk")
        return queryset.order_by(*[F(column).asc(nulls_last=True) for column in columns], "pk")


class BooleanChoice(django_filters.ChoiceFilter):
    """Yes / no / either, as a plain select that works without JavaScript."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [("oui", "Oui"), ("non", "Non")])
        kwargs.setdefault("empty_label", "Indifférent")
        super().__init__(*args, **kwargs)


def _query_without(query: QueryDict, *names: str) -> QueryDict:
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept


def sort_headers(request: HttpRequest, filterset: ListFilter) -> dict[str, dict[str, str]]:
    """For each sort key: the link of its column header (first click ascending, then the
    other way round) and its ``aria-sort`` when the list is sorted on it."""
    current = _cleaned(filterset).get(SORT_PARAM) or ""
    base = _query_without(request.GET, SORT_PARAM, PAGE_PARAM)
    headers = {}
    for key, (label, _columns) in filterset.SORTS.items():
        aria = {key: "ascending", f"-{key}": "descending"}.get(current, "")
        query = base.copy()
        query[SORT_PARAM] = f"-{key}" if current == key else key
        headers[key] = {"href": f"?{query.urlencode()}", "aria": aria, "label": label}
    return headers


def french_plural(count: int, singular: str, plural: str) -> str:
    """French agreement: singular for 0 and 1 ("0 dossier relancé"), plural from 2."""
    return singular if abs(count) <= 1 else plural


def count_in_words(count: int, noun: tuple[str, str], *, filtered: bool) -> str:
    """ "1 dossier correspond à votre recherche.", "1 234 dossiers."."""
    number = f"{count:,}".replace(",", "\u00a0")
    words = f"{number} {french_plural(count, *noun)}"
    if filtered:
        verb = french_plural(count, "correspond", "correspondent")
        return f"{words} {verb} à votre recherche."
    return f"{words}."


def list_context(
    request: HttpRequest,
    filterset: ListFilter,
    *,
    per_page: int,
    noun: tuple[str, str] = ("dossier", "dossiers"),
) -> dict[str, Any]:
    """The context every list template reads: ``filter`` (its form), ``page`` (rows loaded
    by ``page_by_keys``), ``sorts`` (column headers), ``page_query`` (the filters the paging
    links keep), ``filtered`` (some filter is on) and ``count_text`` (the count in words)."""
    page = page_by_keys(filterset.qs, request.GET.get(PAGE_PARAM), per_page)
    return list_page_context(request, filterset, page, noun=noun)


def list_page_context(
    request: HttpRequest,
    filterset: ListFilter,
    page: Page,
    *,
    noun: tuple[str, str] = ("dossier", "dossiers"),
) -> dict[str, Any]:
    """``list_context`` for a page read otherwise (the inbox's)."""
    kept = _query_without(request.GET, PAGE_PARAM)
    data = _cleaned(filterset)
    filtered = any(value not in ("", None) for name, value in data.items() if name != SORT_PARAM)
    return {
        "filter": filterset,
        "page": page,
        "sorts": sort_headers(request, filterset),
        "page_query": f"{kept.urlencode()}&" if kept else "",
        "filtered": filtered,
        "count_text": count_in_words(page.paginator.count, noun, filtered=filtered),
    }


def _cleaned(filterset: ListFilter) -> dict[str, Any]:
    """The values that passed validation (a wrong one is left out, with its message tied
    to its field, as its help is: ids of ``includes/list_filters.html``)."""
    form = filterset.form
    form.is_valid()
    for name, field in form.fields.items():
        ids = [f"id_{name}_aide"] if field.help_text else []
        ids += [f"id_{name}_erreur"] if name in form.errors else []
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)
    return getattr(form, "cleaned_data", {})

"""The public open-data page and its files: no sign-in, the same for everyone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from funding.formatting import UNIT_SEPARATOR, format_number
from opendata import selectors, writers
from opendata.selectors import GrantRow

FORMATS: dict[str, tuple[str, Callable[[Iterator[GrantRow]], Iterator[bytes]]]] = {
    "csv": ("text/csv; charset=utf-8", writers.scdl_csv),
    "json": ("application/json", writers.scdl_json),
}


def _whole_euros(amount: Decimal) -> str:
    """``23 000 €`` for a round threshold, ``23 000,50 €`` otherwise."""
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{format_number(amount, places=places)}{UNIT_SEPARATOR}€"


def index(request: HttpRequest) -> HttpResponse:
    """What is published and why, one line per year with its files."""
    years = selectors.years_summary()
    stamps = [y.updated_at for y in years if y.updated_at is not None]
    context = {
        "years": years,
        "total_count": sum(y.count for y in years),
        "total_amount": sum((y.total for y in years), Decimal(0)),
        "updated_at": max(stamps) if stamps else None,
        "threshold": _whole_euros(settings.OPEN_DATA_GRANT_THRESHOLD),
        "attribuant": settings.OPEN_DATA_ATTRIBUANT_NAME,
        "licence": settings.OPEN_DATA_LICENCE,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "schema": writers.schema(),
        "first_year": selectors.FIRST_YEAR,
    }
    response = render(request, "opendata/index.html", context)
    # The page carries the signed-in person's menu: only anonymous copies may be shared.
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=settings.OPEN_DATA_CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie"])
    return response


def download(request: HttpRequest, year: int, fmt: str) -> HttpResponseBase:
    """``subventions-<year>.csv`` or ``.json``; a year outside 2017..this year is a 404."""
    if year not in selectors.published_years_range() or fmt not in FORMATS:
        raise Http404("Aucune donnée n'est publiée pour cette année.")
    summary = selectors.year_summary(year)
    etag = f'"{summary.fingerprint}-{fmt}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        response: HttpResponseBase = not_modified
    else:
        content_type, writer = FORMATS[fmt]
        response = StreamingHttpResponse(
            writer(selectors.grant_rows(year)), content_type=content_type
        )
        response["Content-Disposition"] = f'attachment; filename="subventions-{year}.{fmt}"'
        response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.OPEN_DATA_CACHE_SECONDS)
    # Open data: any site may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response

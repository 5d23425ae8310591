"""The project's URLs, plus ``/bench/bare/``: a view that renders a one-line template and
nothing else, through the same middleware, as the floor the inbox is compared with (P6);
and ``/bench/flux.csv``: every application streamed as CSV rows read in chunks, what a
constant-memory export looks like (the reference stream of P9)."""

from collections.abc import Iterator

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template import engines
from django.urls import include, path

PAGE = engines["django"].from_string("<!doctype html><title>{{ title }}</title><p>ok</p>")


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.render({"title": "Banc d'essai"}, request))


def _rows() -> Iterator[str]:
    from workflows.models import Application

    yield "numero;statut;commune;montant_demande;depose_le\n"
    rows = Application.objects.order_by("pk").values_list(
        "pk", "stage", "project__commune__name", "requested_amount", "submitted_at"
    )
    for pk, stage, commune, amount, submitted in rows.iterator(chunk_size=2000):
        yield f"{pk};{stage};{commune};{amount or ''};{submitted or ''}\n"


@staff_member_required
def stream(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(_rows(), content_type="text/csv; charset=utf-8")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/flux.csv", stream, name="bench_stream"),
    path("", include("config.urls")),
]

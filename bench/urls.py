"""The project's URLs, plus ``/bench/bare/``: a view that renders a one-line template and
nothing else, through the same middleware, as the floor the inbox is compared with (P6)."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

PAGE = engines["django"].from_string("<!doctype html><title>{{ title }}</title><p>ok</p>")


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.render({"title": "Banc d'essai"}, request))


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]

"""The project's URLs, plus ``/bench/bare/``: a view that does nothing but answer, through
the same middleware, as the floor the inbox is compared with (P6)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]

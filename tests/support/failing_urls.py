"""The project's URLs plus pages that fail on purpose, to see the error pages people get."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as project_urls


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("SECRET_TRACEBACK_MARKER")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("SECRET_TRACEBACK_MARKER")


def refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Réservé à l'équipe de la MEL.")


urlpatterns = [
    path("essai/refus/", refused),
    path("essai/panne/", crash),
    path("essai/douteux/", suspicious),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

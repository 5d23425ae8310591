"""Error pages in plain French, for humans, in every mode (never Django's debug page unless
DEBUG is on, which only ``DJANGO_DEBUG=1`` turns on)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

PLAIN_500 = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
    "<title>Erreur du service — Entreprendre Autrement</title></head><body>"
    "<h1>Le service a rencontré un problème</h1>"
    "<p>Ce n'est pas de votre fait. Réessayez dans quelques minutes.</p>"
    '<p><a href="/">Revenir à l\'accueil</a></p></body></html>'
)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else None
    return render(request, "403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page expired (or from elsewhere): say so, and how to go on."""
    return render(request, "403_csrf.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context processors: the failure may come from the
    database or the session, so this page reads nothing but settings."""
    try:
        body = loader.get_template("500.html").render({"contact_email": settings.CONTACT_EMAIL})
    except Exception:  # the page itself must never fail (a missing static manifest, say)
        logger.exception("The 500 page could not be rendered")
        body = PLAIN_500
    return HttpResponseServerError(body)

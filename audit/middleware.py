"""Keeps the request at hand for the audit records written while it runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import request_var


class AuditActorMiddleware:
    """Place after ``AuthenticationMiddleware``. ``request.user`` is read only when a record
    needs its actor (by then the view has usually loaded it already)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_var.set(request)
        try:
            return self.get_response(request)
        finally:
            request_var.reset(token)

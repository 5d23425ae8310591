"""Who is acting in the current request, for records whose signal does not say (grants).

``audit.middleware.AuditActorMiddleware`` keeps the request in a context variable while it
runs; outside a request (Celery, timers, commands) there is no actor and records say so.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest

request_var: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_actor() -> Any | None:
    """The signed-in user of the current request, or ``None``."""
    request = request_var.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None

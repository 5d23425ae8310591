"""JSON for partners' systems; the browsable page only for signed-in MEL staff."""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request


class StaffBrowsableNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: list[Any], format_suffix: str | None = None
    ) -> Any:
        if not _is_staff(request):
            renderers = [r for r in renderers if not isinstance(r, BrowsableAPIRenderer)]
        return super().select_renderer(request, renderers, format_suffix)


def _is_staff(request: Request) -> bool:
    # A bad key raises here; DRF answers it (in JSON: the user is then anonymous).
    user = request.user
    return bool(user.is_authenticated and user.is_staff)

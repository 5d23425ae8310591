"""The unread count in the menu, computed only when a page shows it (one small query)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}

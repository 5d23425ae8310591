"""Template context every page needs: where to ask for help."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"contact_email": settings.CONTACT_EMAIL}

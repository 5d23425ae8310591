"""Template context: the personas of the signed-in user, computed lazily."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .policy import Persona
from .selectors import user_personas


def personas(request: HttpRequest) -> dict[str, Any]:
    found = SimpleLazyObject(lambda: {p.value for p in user_personas(request.user)})
    return {"personas": found, "Persona": Persona}

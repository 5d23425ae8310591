"""Template context: the personas of the signed-in user, computed lazily."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .policy import Persona, Scope, allows
from .selectors import user_personas

# Menu entries shown to whoever holds their permission model-wide: decided from the
# personas (already read for the menu) and the policy table, not by a permission query.
MENU_PERMISSIONS = {
    "qpv_queue": "applicants.add_qpvdetermination",
    "indicators": "applicants.aggregate_project",
    "lab_dataset": "applicants.extract_project",
    "retention": "privacy.view_retentionrun",
}


def personas(request: HttpRequest) -> dict[str, Any]:
    found = SimpleLazyObject(lambda: {p.value for p in user_personas(request.user)})
    menu = SimpleLazyObject(lambda: _menu(user_personas(request.user)))
    return {"personas": found, "Persona": Persona, "menu": menu}


def _menu(held: frozenset[Persona]) -> dict[str, bool]:
    return {
        entry: Persona.ADMINISTRATOR in held or any(allows(p, perm, Scope.ALL) for p in held)
        for entry, perm in MENU_PERMISSIONS.items()
    }

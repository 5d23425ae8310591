"""The anonymisation services the retention rules call, found by name at call time.

``privacy.anonymise.person_anonymise(*, user)`` (names, contacts and free text of a person
replaced, the figures of their dossiers kept) is written apart from the retention run; this
adapter lets the rules call it without importing it when the module is loaded, so either
can be changed (or tested) alone. A missing service makes the object's ``apply`` fail: the
run records the failure and goes on, and the object stays due for the next run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

ANONYMISE_MODULE = "privacy.anonymise"


class RetentionHookMissing(RuntimeError):
    """The service a rule needs is not installed."""


def _service(module: str, name: str) -> Callable[..., Any]:
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise RetentionHookMissing(f"{module}.{name} est introuvable") from error
    return found


def person_anonymise(*, user: Any) -> None:
    """Anonymise ``user`` and what they carry (their person, contacts, free text)."""
    _service(ANONYMISE_MODULE, "person_anonymise")(user=user)

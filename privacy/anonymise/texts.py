"""The words that replace what anonymisation removes, and the redaction of kept texts.

Most free text is simply emptied. A few texts are kept because they are public archives
(the committee's conditions and reasons, a financier's motive, the Comité's agenda): in
those, only the strings known to identify the person or the project are blanked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ERASED = "Texte effacé lors de l'anonymisation."
FILE_ERASED = "pièce effacée"
REDACTED = "[…]"
# Shorter strings would blank syllables of unrelated words.
MIN_SECRET_LENGTH = 3


def anonymous_title(journey_pk: int) -> str:
    return f"Projet anonymisé n° {journey_pk}"


def anonymous_structure_name(structure_pk: int) -> str:
    return f"Structure anonymisée n° {structure_pk}"


def secrets_of(values: Iterable[str | None]) -> list[str]:
    """The distinct strings worth blanking, longest first (a full name before its parts)."""
    found = {value.strip() for value in values if value and len(value.strip()) >= MIN_SECRET_LENGTH}
    return sorted(found, key=lambda text: (-len(text), text))


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret (any case) replaced by ``REDACTED``."""
    for secret in secrets:
        text = re.sub(re.escape(secret), REDACTED, text, flags=re.IGNORECASE)
    return text

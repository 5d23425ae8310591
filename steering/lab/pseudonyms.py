"""Pseudonyms stable within one export and unlinkable across exports.

Each export draws a random key and keeps it only in memory while the files are written:
the same person or dossier gets the same pseudonym in every file of that export, and a
different one in the next export. Nobody, not even the MEL, can map a pseudonym back to a
record afterwards (HMAC-SHA256; the key is never stored, logged nor shown).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_BYTES = 32
DIGITS = 16  # hexadecimal characters kept (64 bits): no collision in practice at 10^6 rows


class Pseudonyms:
    def __init__(self) -> None:
        self._key = secrets.token_bytes(KEY_BYTES)

    def _digest(self, kind: str, pk: object) -> str:
        message = f"{kind}:{pk}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:DIGITS].upper()

    def person(self, pk: object) -> str:
        return "" if pk is None else f"P-{self._digest('person', pk)}"

    def dossier(self, pk: object) -> str:
        """A dossier is one project (with its journey and its application, if any)."""
        return "" if pk is None else f"D-{self._digest('dossier', pk)}"

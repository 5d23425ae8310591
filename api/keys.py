"""API keys: ``mel_<prefix>_<secret>``. The prefix finds the client (it is stored and shown
in the admin), the secret proves it (only its SHA-256 is stored, compared in constant time).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_START = "mel_"


def new_key() -> tuple[str, str, str]:
    """(the whole key, shown once; its prefix; the hash of its secret)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_START}{prefix}_{secret}", prefix, secret_hash(secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, else None."""
    if not key.startswith(KEY_START):
        return None
    prefix, _, secret = key[len(KEY_START) :].partition("_")
    if len(prefix) != 12 or not secret:
        return None
    return prefix, secret


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)

"""Signing webhook bodies, and how a partner checks them.

Each POST carries ``X-MEL-Signature: t=<unix time>,v1=<hex>`` where ``v1`` is the
HMAC-SHA256, keyed with the subscription's secret, of ``"<t>." + <raw body bytes>``, and
``X-MEL-Event-Id``, the same on every retry of one event (drop the copies you have seen).

A receiver verifies it like this (Python; any language has HMAC-SHA256)::

    import hashlib, hmac, time

    def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp, received = parts["t"], parts["v1"]
        if abs(time.time() - int(timestamp)) > tolerance:  # a replayed old message
            return False
        expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, received)

Check the raw bytes as received, before parsing the JSON.
"""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """The check a receiver makes (used by the tests as a partner would)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        received = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), received)

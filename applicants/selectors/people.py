"""Reads about people, by their sign-in e-mail."""

from __future__ import annotations

from accounts.models import User


def person_known(*, email: str) -> bool:
    """An account already uses this e-mail (case-insensitive): whoever types it on a public
    form may not be its owner."""
    return User.objects.filter(email__iexact=email).exists()

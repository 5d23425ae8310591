"""Structures (enterprises and associations) of applicants."""

from __future__ import annotations

from accounts.exceptions import ApplicationError
from applicants.models import Structure


def structure_save(*, structure: Structure) -> Structure:
    """Validate and save a structure; its head office must be in a MEL commune if given."""
    structure.full_clean()
    if structure.commune is not None and not structure.commune.in_mel:
        from .territory import outside_mel_message

        raise ApplicationError(outside_mel_message(structure.commune), field="commune")
    structure.save()
    return structure

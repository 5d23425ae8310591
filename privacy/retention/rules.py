"""The retention rules: what is deleted or anonymised, when, and why.

A rule names the objects that are due at an instant (``due``) and what happens to one of
them (``apply``). ``apply`` runs in its own transaction, one object at a time, and is
idempotent: an object it has dealt with is no longer ``due``, so a run interrupted half-way
resumes where it stopped and a second run changes nothing.

Rules are declared by the modules listed in ``RULE_MODULES`` with ``register``; the order of
``RULES`` is the order of a run (and of the DPO's page).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


class Outcome(models.TextChoices):
    DELETED = "deleted", "supprimé"
    ANONYMISED = "anonymised", "anonymisé"
    CLEARED = "cleared", "effacé"
    WARNED = "warned", "prévenu"


@dataclass(frozen=True)
class RetentionRule:
    code: str  # stable identifier, kept in the run log (e.g. "notifications")
    label: str  # French, what is concerned, shown to the DPO
    setting: str  # name of the duration setting in config/settings/privacy.py
    basis: str  # French: legal basis and reference of the duration, to confirm with the DPO
    outcome: Outcome
    # Objects due at ``now`` (a queryset, ordered by primary key for resumable batches).
    due: Callable[[datetime.datetime], models.QuerySet[Any]]
    # Deal with one object, in its own transaction; idempotent. May say what happened when a
    # rule has two outcomes (an account deleted, or anonymised when it carries a dossier).
    apply: Callable[[Any], Outcome | None]
    # Objects that become due between ``now`` and ``until`` (the DPO's "à venir").
    due_soon: Callable[[datetime.datetime, datetime.datetime], models.QuerySet[Any]] | None = None
    # French, what the duration runs from, after the duration in words ("après la dernière
    # connexion"): the DPO's page reads "3 ans après la dernière connexion".
    after: str = ""


RULES: list[RetentionRule] = []


def register(rule: RetentionRule) -> RetentionRule:
    """Add ``rule`` to ``RULES`` (once per code)."""
    if any(existing.code == rule.code for existing in RULES):
        raise ValueError(f"Règle de conservation déjà déclarée : {rule.code}")
    RULES.append(rule)
    return rule

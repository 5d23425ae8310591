"""Reads of the people's rights: consents in force, people found by the DPO."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from applicants.models import ConsentPurpose, ConsentRecord, Person


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    granted: bool | None  # None: never asked
    record: ConsentRecord | None


def consents_in_force(person: Person) -> dict[str, ConsentState]:
    """The latest word of the person on each purpose (one query)."""
    latest: dict[str, ConsentRecord] = {}
    for record in ConsentRecord.objects.filter(person=person):  # newest first
        latest.setdefault(record.purpose, record)
    return {
        purpose: ConsentState(
            purpose, latest[purpose].granted if purpose in latest else None, latest.get(purpose)
        )
        for purpose in ConsentPurpose.values
    }


def consent_history(person: Person) -> list[ConsentRecord]:
    return list(ConsentRecord.objects.filter(person=person))


def user_by_email(email: str) -> User | None:
    """The account of an e-mail address, case ignored (for the DPO)."""
    return User.objects.filter(email__iexact=email.strip()).first()

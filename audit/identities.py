"""The identity keys records name people by: one per user, one per failed sign-in.

A user's key costs one query (its lookup) the first time a transaction names them, none
after (remembered until the transaction ends; a rolled-back savepoint forgets what it
created), two more the very first time they are named at all (the insert, then the row that
won if another writer inserted it first). The label is refreshed when the person's name or
e-mail changed, so pages read the current one. An identifier typed in a failed sign-in gets
its own identity each time (one insert): each attempt is then erased when its own retention
ends (``audit.services.audit_identifiers_erase``).
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction

from .models import AuditIdentity

LABEL_MAX = 254
# Keys remembered by a thread at most; beyond, the ended transactions' are dropped.
REMEMBERED_MAX = 512


def user_label(user: AbstractBaseUser) -> str:
    """``"Name <e-mail>"``, or the e-mail alone when the account has no name."""
    username = user.get_username()
    name = str(user)
    return username if name == username else f"{name} <{username}>"


class _Remembered:
    """A user's key, valid while the transaction that looked it up is open: registered with
    ``on_commit``, it is forgotten at commit, and no longer pending after a rollback."""

    def __init__(self, key: str, label: str) -> None:
        self.key, self.label = key, label
        self.committed = False

    def __call__(self) -> None:  # on commit
        self.committed = True

    def valid(self) -> bool:
        # Django keeps (savepoint ids, callback, robust) for each pending on_commit.
        return not self.committed and any(entry[1] is self for entry in connection.run_on_commit)


_local = threading.local()


def _remembered() -> dict[Any, _Remembered]:
    memo = getattr(_local, "users", None)
    if memo is None:
        memo = _local.users = {}
    elif len(memo) > REMEMBERED_MAX:
        memo = _local.users = {pk: seen for pk, seen in memo.items() if seen.valid()}
    return memo


def forget() -> None:
    """Drop what this thread remembers (after an erasure)."""
    _local.users = {}


def key_of_user(user: AbstractBaseUser) -> str:
    """The user's identity key, created the first time; its label refreshed if stale."""
    memo = _remembered()
    label = user_label(user)[:LABEL_MAX]
    seen = memo.get(user.pk)
    if seen is not None and seen.label == label and seen.valid():
        return seen.key
    row = AuditIdentity.objects.filter(user_id=user.pk).values_list("key", "label").first()
    if row is None:
        key = _create_for_user(user.pk, label)
    else:
        key = row[0]
        if row[1] != label:
            AuditIdentity.objects.filter(key=key).update(label=label)
    remembered = memo[user.pk] = _Remembered(key, label)
    transaction.on_commit(remembered)  # outside a transaction: at once, nothing remembered
    return key


def _create_for_user(user_id: Any, label: str) -> str:
    # No savepoint: a conflict (another writer created it meanwhile) is ignored, and the row
    # that won is read back.
    AuditIdentity.objects.bulk_create(
        [AuditIdentity(user_id=user_id, label=label)], ignore_conflicts=True
    )
    return str(AuditIdentity.objects.filter(user_id=user_id).values_list("key", flat=True).get())


def key_of_identifier(identifier: str) -> str:
    """A new identity for an identifier typed at sign-in (one insert)."""
    return AuditIdentity.objects.create(label=identifier[:LABEL_MAX]).key

"""Linking a record to the chain's head and writing it, in the caller's transaction.

Appends are serialised with every other append, so two writers never link to the same
previous record: on PostgreSQL by ``pg_advisory_xact_lock(AUDIT_CHAIN_LOCK_KEY)``, held
until the end of the caller's transaction and taken before the head is read; on SQLite by
the IMMEDIATE transactions of the settings (a writer holds the database from ``BEGIN``).

A transaction that appends several records (a transition: its grants, then each step) reads
the head once. Later appends link to the record it wrote last and cost one round trip: the
insert happens only if that record is still the head, which a rolled-back savepoint may have
undone; otherwise the head is read again. The cost never depends on the journal's length.
"""

from __future__ import annotations

import datetime
import threading

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from .models import GENESIS_HASH, AuditRecord

# Key of the PostgreSQL advisory lock that serialises appends ("audit" in ASCII).
AUDIT_CHAIN_LOCK_KEY = 0x6175646974

Head = tuple[int, str]


class _Written:
    """The last record this thread's open transaction appended. It is forgotten when that
    transaction commits, and ignored once it has ended otherwise: the callback registered
    with it is then no longer pending (a rollback, even of a savepoint, drops it)."""

    def __init__(self) -> None:
        self.head: Head | None = None

    def __call__(self) -> None:  # on commit
        self.head = None

    def pending(self) -> bool:
        # Django keeps (savepoint ids, callback, robust) for each pending on_commit.
        return any(entry[1] is self for entry in connection.run_on_commit)


_local = threading.local()


def append(record: AuditRecord) -> None:
    """Give ``record`` its place (seq, previous hash, time, hash) and insert it."""
    with transaction.atomic(savepoint=False):
        written: _Written | None = getattr(_local, "written", None)
        if written is None or not written.pending():
            written = _local.written = _Written()
            transaction.on_commit(written)
        last = written.head
        if last is None or connection.vendor != "postgresql" or not _insert_after(record, last):
            _link(record, _locked_head())
            record.save()
        written.head = (record.seq, record.hash)


def _link(record: AuditRecord, last: Head | None) -> None:
    record.seq, record.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    # Microseconds are what both databases keep.
    record.at = timezone.now().astimezone(datetime.UTC)
    record.hash = record.compute_hash()


def _locked_head() -> Head | None:
    """Serialise appends and read the last record (seq, hash), in one round trip on
    PostgreSQL: two statements sent together, the read taking its snapshot once the lock
    is held (READ COMMITTED: one snapshot per statement)."""
    if connection.vendor != "postgresql":
        return AuditRecord.objects.order_by("-seq").values_list("seq", "hash").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock({int(AUDIT_CHAIN_LOCK_KEY)}); "  # noqa: S608 - a constant
            'SELECT "seq", "hash" FROM "audit_auditrecord" ORDER BY "seq" DESC LIMIT 1'
        )
        cursor.nextset()
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _insert_after(record: AuditRecord, last: Head) -> bool:
    """PostgreSQL: insert ``record`` linked to ``last`` if ``last`` is still the head, in
    one round trip (the lock, already held by this transaction, then the guarded insert)."""
    _link(record, last)
    opts = AuditRecord._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table, seq, hash_ = quote(opts.db_table), quote("seq"), quote("hash")
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock({int(AUDIT_CHAIN_LOCK_KEY)}); "  # noqa: S608 - quoted names
            f"INSERT INTO {table} ({columns}) SELECT {values} "
            f"WHERE EXISTS (SELECT 1 FROM {table} WHERE {seq} = %s AND {hash_} = %s) "
            f"AND NOT EXISTS (SELECT 1 FROM {table} WHERE {seq} > %s) "
            f"RETURNING {quote(opts.pk.column)}",
            [
                *(f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields),
                last[0],
                last[1],
                last[0],
            ],
        )
        cursor.nextset()
        row = cursor.fetchone()
    if row is None:
        return False
    record.pk = row[0]
    record._state.adding, record._state.db = False, connection.alias
    post_save.send(sender=AuditRecord, instance=record, created=True, raw=False)  # as save()
    return True

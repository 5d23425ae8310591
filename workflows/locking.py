"""The flow lock: one transaction at a time per journey, on PostgreSQL and on SQLite.

viewflow's ``SelectForUpdateLock`` retries ``SELECT … FOR UPDATE NOWAIT`` but catches the
database error *inside* its ``atomic()`` block, which leaves a PostgreSQL transaction
aborted: concurrent users then crash instead of waiting (shown by
tests/workflows/test_concurrency.py). This lock waits for the row instead, bounded by
PostgreSQL's ``lock_timeout``, and turns a timeout into viewflow's ``FlowLockFailed``.
On SQLite, ``select_for_update`` is ignored and IMMEDIATE transactions (settings) serialise
writers instead: the writer already holds the database, so no query is needed.

The lock costs one round trip: the timeout and the row lock are sent together, in the
caller's transaction (or one it starts) rather than in savepoints of its own, which cost
two round trips each. A failed wait therefore aborts the enclosing transaction up to its
nearest savepoint; every caller rolls back on ``FlowLockFailed`` anyway (``task_perform``,
viewflow's timer sweep and views, the Celery tasks).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from viewflow.workflow.exceptions import FlowLockFailed


def _lock_statement(flow_class: Any, process_pk: int) -> str:
    """``SET LOCAL lock_timeout`` and ``SELECT … FOR UPDATE`` of the process row, as one
    string (integers only are interpolated: no parameters, so both go in one round trip)."""
    opts = flow_class.process_class._meta
    quote = connection.ops.quote_name
    timeout_ms = int(settings.FLOW_LOCK_TIMEOUT_SECONDS * 1000)
    table, pk = quote(opts.db_table), quote(opts.pk.column)
    lock_row = f"SELECT 1 FROM {table} WHERE {pk} = {int(process_pk)} FOR UPDATE"  # noqa: S608
    return f"SET LOCAL lock_timeout = '{timeout_ms}ms'; {lock_row}"


class ProcessRowLock:
    @contextmanager
    def __call__(self, flow_class: Any, process_pk: int) -> Iterator[None]:
        with transaction.atomic(savepoint=False):
            if connection.vendor == "postgresql":
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(_lock_statement(flow_class, process_pk))
                except DatabaseError as error:
                    raise FlowLockFailed(f"Lock failed for {flow_class} {process_pk}") from error
            yield


process_row_lock = ProcessRowLock()

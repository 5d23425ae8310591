"""The flow lock: one transaction at a time per journey, on PostgreSQL and on SQLite.

viewflow's ``SelectForUpdateLock`` retries ``SELECT … FOR UPDATE NOWAIT`` but catches the
database error *inside* its ``atomic()`` block, which leaves a PostgreSQL transaction
aborted: concurrent users then crash instead of waiting (shown by
tests/workflows/test_concurrency.py). This lock waits for the row instead, bounded by
PostgreSQL's ``lock_timeout``, and turns a timeout into viewflow's ``FlowLockFailed``.
On SQLite, ``select_for_update`` is ignored and IMMEDIATE transactions (settings) serialise
writers instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from viewflow.workflow.exceptions import FlowLockFailed


class ProcessRowLock:
    @contextmanager
    def __call__(self, flow_class: Any, process_pk: int) -> Iterator[None]:
        with transaction.atomic():
            try:
                with transaction.atomic():  # a savepoint: a failed wait rolls back only this
                    if connection.vendor == "postgresql":
                        timeout_ms = int(settings.FLOW_LOCK_TIMEOUT_SECONDS * 1000)
                        with connection.cursor() as cursor:
                            cursor.execute("SET LOCAL lock_timeout = %s", [f"{timeout_ms}ms"])
                    queryset = flow_class.process_class._default_manager.filter(pk=process_pk)
                    queryset.select_for_update().exists()
            except DatabaseError as error:
                raise FlowLockFailed(f"Lock failed for {flow_class} {process_pk}") from error
            yield


process_row_lock = ProcessRowLock()

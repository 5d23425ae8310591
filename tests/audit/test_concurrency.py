"""Concurrent appends on PostgreSQL never fork the chain (the advisory lock serialises
them). SQLite serialises writers with IMMEDIATE transactions instead."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_break
from audit.services import audit_record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

THREADS = 6
APPENDS = 5


def test_six_writers_at_once_leave_one_contiguous_unforked_chain() -> None:
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(APPENDS):
                with transaction.atomic():
                    audit_record(
                        action=AuditAction.DECISION,
                        actor=None,
                        dossier_ref=f"workflows.application:{n}",
                        summary=f"Écrivain {n}, ajout {i}",
                    )
        except Exception as error:  # pragma: no cover - would be a test failure
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    records = list(AuditRecord.objects.order_by("seq"))
    assert [r.seq for r in records] == list(range(1, THREADS * APPENDS + 1))
    assert len({r.prev_hash for r in records}) == len(records)  # no two share a parent
    assert audit_chain_break().checked == THREADS * APPENDS
    assert audit_chain_break().broken_at is None

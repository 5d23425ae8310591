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


def test_a_transaction_reads_the_head_once_however_many_records_it_appends(
    django_assert_num_queries: object,
) -> None:
    audit_record(action=AuditAction.DECISION, actor=None, summary="Avant")
    # BEGIN, the lock with the head read, the first insert, one guarded insert for each of
    # the four others, COMMIT.
    expected = 1 + 2 + 4 + 1
    with django_assert_num_queries(expected), transaction.atomic():  # type: ignore[operator]
        for n in range(5):
            audit_record(action=AuditAction.DECISION, actor=None, summary=f"Ajout {n}")
    assert audit_chain_break().checked == 6
    assert audit_chain_break().broken_at is None


def test_a_head_written_by_another_writer_is_read_again() -> None:
    with transaction.atomic():
        audit_record(action=AuditAction.DECISION, actor=None, summary="Premier")
        done = threading.Event()

        def other_writer() -> None:
            # Blocks on the advisory lock until the first transaction commits.
            with transaction.atomic():
                audit_record(action=AuditAction.DECISION, actor=None, summary="Autre")
            connections.close_all()
            done.set()

        thread = threading.Thread(target=other_writer)
        thread.start()
        assert not done.wait(timeout=0.5)  # waiting for the lock, as it must
    thread.join(timeout=10)
    assert done.is_set()
    with transaction.atomic():
        audit_record(action=AuditAction.DECISION, actor=None, summary="Dernier")
    records = list(AuditRecord.objects.order_by("seq").values_list("summary", flat=True))
    assert records == ["Premier", "Autre", "Dernier"]
    assert audit_chain_break().broken_at is None

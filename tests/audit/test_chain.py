"""The chain itself: links, verification, tampering found, append-only enforced."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from audit.models import GENESIS_HASH, AppendOnlyError, AuditAction, AuditRecord
from audit.services import audit_record

pytestmark = pytest.mark.django_db

TRIGGER = "audit_auditrecord_append_only"


def _append(count: int, actor: User | None = None) -> list[AuditRecord]:
    return [
        audit_record(
            action=AuditAction.DECISION,
            actor=actor,
            object_ref=f"workflows.application:{n}",
            dossier_ref=f"workflows.application:{n}",
            summary=f"Décision n° {n} — « accents » et apostrophe d'usage",
            before={"statut": "complete", "montant": 12000.5},
            after={"statut": "eligible", "liste": [1, "deux", None]},
        )
        for n in range(count)
    ]


def _raw(sql: str, params: list[str | int]) -> None:
    """Change the table behind the application's back, as a database owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditrecord DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditrecord ENABLE TRIGGER {TRIGGER}")


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def test_each_record_carries_the_hash_of_the_previous_one(mel_staff: User) -> None:
    start = AuditRecord.objects.count()
    records = _append(4, mel_staff)
    stored = list(AuditRecord.objects.order_by("seq"))[start:]
    assert [r.seq for r in stored] == [r.seq for r in records]
    if start == 0:
        assert stored[0].prev_hash == GENESIS_HASH
    for previous, record in itertools.pairwise(stored):
        assert record.seq == previous.seq + 1
        assert record.prev_hash == previous.hash
    for record in stored:
        assert record.hash == record.compute_hash()  # read back, the hash still matches
        assert record.actor_id == mel_staff.pk
        assert record.actor_label == ""  # named by key only (format version 2)
        assert record.version == 2
        assert record.actor_key == records[0].actor_key is not None
    assert stored[0].before == {"statut": "complete", "montant": "12000.5"}


def test_the_command_reports_an_intact_chain_with_its_length() -> None:
    _append(3)
    output = _verify()
    assert f"Chaîne d'audit intacte : {AuditRecord.objects.count()} enregistrements." in output
    assert AuditRecord.objects.order_by("-seq").first().hash in output  # type: ignore[union-attr]


def test_an_empty_journal_is_intact() -> None:
    assert AuditRecord.objects.count() == 0
    assert "Chaîne d'audit intacte : 0 enregistrements." in _verify()


def test_a_record_changed_in_the_database_is_the_first_broken_link() -> None:
    records = _append(5)
    target = records[2]
    _raw("UPDATE audit_auditrecord SET summary = %s WHERE seq = %s", ["falsifié", target.seq])
    with pytest.raises(CommandError, match=f"n° {target.seq} : contenu modifié") as error:
        _verify()
    assert error.value.returncode == 1
    assert target.hash in str(error.value)  # the stored hash, next to the expected one


def test_a_record_removed_from_the_database_breaks_the_chain_at_the_next_one() -> None:
    records = _append(4)
    _raw("DELETE FROM audit_auditrecord WHERE seq = %s", [records[1].seq])
    with pytest.raises(CommandError, match=f"n° {records[2].seq} : numéro manquant"):
        _verify()


def test_a_record_rewritten_with_a_fresh_hash_breaks_the_link_of_the_next_one() -> None:
    records = _append(4)
    forged = AuditRecord.objects.get(seq=records[1].seq)
    forged.summary = "réécrit"
    _raw(
        "UPDATE audit_auditrecord SET summary = %s, hash = %s WHERE seq = %s",
        [forged.summary, forged.compute_hash(), forged.seq],
    )
    with pytest.raises(CommandError, match=f"n° {records[2].seq} : lien vers le précédent"):
        _verify()


def test_the_orm_refuses_to_change_or_remove_records() -> None:
    record = _append(1)[0]
    record.summary = "autre chose"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(summary="autre chose")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.bulk_create([AuditRecord(seq=999, summary="x")])
    assert "intacte" in _verify()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_from_any_client() -> None:
    record = _append(1)[0]
    for sql in (
        "UPDATE audit_auditrecord SET summary = 'x' WHERE seq = %s",
        "DELETE FROM audit_auditrecord WHERE seq = %s",
    ):
        with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
            connection.cursor().execute(sql, [record.seq])
    assert "intacte" in _verify()


def test_an_append_is_rolled_back_with_the_change_it_describes() -> None:
    _append(2)
    count = AuditRecord.objects.count()

    def failing_change() -> None:
        with transaction.atomic():
            _append(1)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        failing_change()
    assert AuditRecord.objects.count() == count
    _append(1)
    assert "intacte" in _verify()


def test_an_append_after_a_rolled_back_savepoint_links_to_the_real_head() -> None:
    kept = _append(1)[0]
    with transaction.atomic():
        try:
            with transaction.atomic():
                _append(2)  # later undone: the head this transaction wrote no longer exists
                raise RuntimeError("annulé")
        except RuntimeError:
            pass
        after = _append(1)[0]
    assert after.seq == kept.seq + 1
    assert after.prev_hash == kept.hash
    assert list(AuditRecord.objects.values_list("seq", flat=True)) == [kept.seq, after.seq]
    assert "Chaîne d'audit intacte" in _verify()


def test_every_append_sends_post_save_as_a_save_would() -> None:
    from django.db.models.signals import post_save

    seen: list[int] = []

    def receiver(sender: object, instance: AuditRecord, created: bool, **kwargs: object) -> None:
        seen.append(instance.seq)

    post_save.connect(receiver, sender=AuditRecord, dispatch_uid="test.audit.post_save")
    try:
        with transaction.atomic():
            records = _append(3)  # the first reads the head, the others are guarded inserts
    finally:
        post_save.disconnect(sender=AuditRecord, dispatch_uid="test.audit.post_save")
    assert seen == [r.seq for r in records]
    assert all(r.pk is not None for r in records)

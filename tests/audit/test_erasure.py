"""The trail names people only through erasable identities: no name nor e-mail in a record
written now, erasure leaves every hash valid, pages read « personne effacée », and records
written before (version 1) still verify."""

from __future__ import annotations

import datetime
import hashlib
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from accounts.services import access_assign
from applicants.models import Commune
from audit import chain
from audit.models import (
    TOKEN_RE,
    AuditAction,
    AuditIdentity,
    AuditRecord,
    canonical_time,
    chain_hash,
    person_token,
)
from audit.selectors import audit_panel, records_about_user
from audit.services import (
    audit_identifiers_erase,
    audit_identities_erase,
    audit_login_failed,
    audit_record,
)
from documents.models import Document, ScanStatus
from documents.services import document_storage
from reviewers.services.selection import MEMBER_READS
from tests.factories.accounts import PASSWORD
from tests.support import sample_files
from tests.workflows.stage_helpers import eligible_application
from workflows.models import Application

pytestmark = pytest.mark.django_db

MIDDLEWARE = "audit.middleware.AuditActorMiddleware"
TRIGGER = "audit_auditrecord_append_only"
ERASED = "personne effacée"
TYPO = "jean.inconnu@example.org"


@pytest.fixture(autouse=True)
def _actor_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def _stored_text(record: AuditRecord) -> str:
    """Everything a record stores as text, read back from the database."""
    return " ".join(
        str(value)
        for value in AuditRecord.objects.filter(pk=record.pk)
        .values_list("actor_label", "summary", "before", "after", "object_ref", "dossier_ref")
        .get()
    )


def _panel(staff: User, application: Application) -> list[Any]:
    lines = audit_panel(user=staff, dossier_ref=f"workflows.application:{application.pk}")
    assert lines is not None
    return lines


@pytest.fixture
def application(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> Application:
    """A dossier found eligible by MEL staff over HTTP (a decision), then signed out."""
    found = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    client.logout()
    return found


def _everything_audited(
    client: Client, application: Application, mel_staff: User, committee_member: User
) -> User:
    """A grant to a person, failed and successful sign-ins, a document downloaded."""
    holder = application.holder.user
    access_assign(user=committee_member, obj=application, actions=MEMBER_READS)
    sign_in = reverse("accounts:login")
    client.post(sign_in, {"username": TYPO, "password": "pas-le-bon"})
    client.post(sign_in, {"username": holder.email, "password": "pas-le-bon"})
    client.post(sign_in, {"username": holder.email, "password": PASSWORD})
    document = _handed_in(application, holder, f"Statuts {holder.last_name}.pdf")
    client.force_login(mel_staff)
    response = client.get(reverse("documents:download", args=[document.public_id]))
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return holder


def _handed_in(application: Application, holder: User, name: str) -> Document:
    """A file handed in earlier, while the dossier could still be filled."""
    data = sample_files.pdf()
    return Document.objects.create(
        owner=holder,
        application=application,
        code="statuts",
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_name=document_storage().save("documents/test.pdf", ContentFile(data)),
        scan_status=ScanStatus.NOT_SCANNED,
    )


def test_records_written_now_hold_no_name_no_email_no_identifier_typed(
    client: Client, application: Application, mel_staff: User, committee_member: User
) -> None:
    holder = _everything_audited(client, application, mel_staff, committee_member)
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        AuditAction.GRANT,
        AuditAction.DECISION,
        AuditAction.LOGIN,
        AuditAction.LOGIN_FAILED,
        AuditAction.DOWNLOAD,
    } <= actions
    people = (mel_staff, committee_member, holder)
    forbidden = [TYPO, holder.last_name, *(p.email for p in people), *(str(p) for p in people)]
    for record in AuditRecord.objects.all():
        assert record.version == 2
        assert record.actor_label == ""
        stored = _stored_text(record)
        for text in forbidden:
            assert text not in stored, (record.action, record.summary)
        if record.actor_id is not None:
            assert record.actor_key is not None
    granted = AuditRecord.objects.get(
        action=AuditAction.GRANT, subject_identity__user=committee_member
    )
    assert person_token(granted.subject_key or "") in granted.summary
    assert "consult_application" in granted.summary
    # Who they are is in the identities, outside the chain.
    labels = set(AuditIdentity.objects.values_list("label", flat=True))
    assert {TYPO, holder.email} <= labels
    assert f"{committee_member} <{committee_member.email}>" in labels
    assert "intacte" in _verify()


def test_pages_read_the_labels_then_personne_effacee_once_erased_and_the_chain_verifies(
    client: Client, application: Application, mel_staff: User, committee_member: User
) -> None:
    _everything_audited(client, application, mel_staff, committee_member)
    before = {line.seq: line for line in _panel(mel_staff, application)}
    grant = next(line for line in before.values() if "consult_application" in line.text)
    assert str(committee_member) in grant.text
    assert any(line.actor.startswith(str(mel_staff)) for line in before.values())

    assert audit_identities_erase(user_ids=[committee_member.pk, mel_staff.pk]) == 2

    assert "intacte" in _verify()
    after = {line.seq: line for line in _panel(mel_staff, application)}
    assert after.keys() == before.keys()
    assert ERASED in after[grant.seq].text
    assert str(committee_member) not in after[grant.seq].text
    staff_lines = [seq for seq, line in before.items() if line.actor.startswith(str(mel_staff))]
    assert staff_lines
    assert {after[seq].actor for seq in staff_lines} == {ERASED}
    client.force_login(mel_staff)
    page = client.get(reverse("workflows:application_detail", args=[application.pk]))
    html = page.content.decode()
    assert ERASED in html
    assert mel_staff.email not in html.split('id="journal-audit"')[1]


def test_erasing_twice_erases_nothing_more() -> None:
    people = [_user("a"), _user("b")]
    for person in people:
        audit_record(action=AuditAction.LOGIN, actor=person, obj=person, summary="Connexion.")
    audit_login_failed(username=people[0].email)
    ids = [p.pk for p in people]
    assert audit_identities_erase(user_ids=ids) == 3  # two accounts, one identifier typed
    assert audit_identities_erase(user_ids=ids) == 0
    assert audit_identities_erase(user_ids=[]) == 0
    assert not AuditIdentity.objects.filter(erased_at=None).exists()
    assert set(AuditIdentity.objects.values_list("label", "user_id")) == {("", None)}
    assert "intacte" in _verify()


def test_a_person_erased_who_acts_again_gets_a_new_identity() -> None:
    person = _user("c")
    first = audit_record(action=AuditAction.LOGIN, actor=person, obj=person, summary="Connexion.")
    audit_identities_erase(user_ids=[person.pk])
    again = audit_record(action=AuditAction.LOGIN, actor=person, obj=person, summary="Connexion.")
    assert again.actor_key != first.actor_key
    lines = records_about_user(user_id=person.pk)
    assert [line.actor for line in lines] == [ERASED, f"{person} <{person.email}>"]


def test_identifiers_typed_are_erased_by_date_and_accounts_never() -> None:
    person = _user("d")
    with time_machine.travel(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC), tick=False):
        old = audit_login_failed(username="ancien@example.org")
        audit_record(action=AuditAction.LOGIN, actor=person, obj=person, summary="Connexion.")
    with time_machine.travel(datetime.datetime(2026, 6, 10, tzinfo=datetime.UTC), tick=False):
        recent = audit_login_failed(username="recent@example.org")
    cut = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    assert audit_identifiers_erase(before=cut) == 1
    assert audit_identifiers_erase(before=cut) == 0
    texts = {line.seq: line.text for line in records_about_user(user_id=person.pk)}
    assert len(texts) == 1
    assert AuditIdentity.objects.get(key=old.subject_key).is_erased
    assert AuditIdentity.objects.get(key=recent.subject_key).label == "recent@example.org"
    assert AuditIdentity.objects.get(user=person).label  # an account's identity is kept
    assert "intacte" in _verify()


def test_a_mixed_chain_of_old_and_new_records_verifies(mel_staff: User) -> None:
    old = _legacy_record(mel_staff)
    new = audit_record(
        action=AuditAction.LOGIN, actor=mel_staff, obj=mel_staff, summary="Connexion."
    )
    also_old = _legacy_record(mel_staff)
    assert (old.version, new.version, also_old.version) == (1, 2, 1)
    assert new.prev_hash == old.hash
    assert also_old.prev_hash == new.hash
    # The fixture's joining of the MEL team is on the chain too.
    assert f"Chaîne d'audit intacte : {AuditRecord.objects.count()} enregistrements." in _verify()
    # Version 1 reads as it was written: its names cannot be erased.
    audit_identities_erase(user_ids=[mel_staff.pk])
    lines = [
        line
        for line in records_about_user(user_id=mel_staff.pk)
        if line.action != AuditAction.MEMBERSHIP
    ]
    assert [line.actor for line in lines] == [old.actor_label, ERASED, old.actor_label]
    assert "intacte" in _verify()


def _legacy_record(actor: User) -> AuditRecord:
    """A record as version 1 wrote it: the actor's name and e-mail in clear, and the hash
    over exactly the fields that version had."""
    record = AuditRecord(
        actor_id=actor.pk,
        actor_label=f"{actor} <{actor.email}>",
        action=AuditAction.GRANT,
        object_ref="workflows.application:3",
        dossier_ref="workflows.application:3",
        summary=f"Droit « consult_application » accordé au utilisateur « {actor} » sur x.",
        after={"utilisateur": str(actor), "droit": "consult_application"},
    )
    with transaction.atomic():
        chain.append(record)
    assert record.hash == chain_hash(
        {
            "seq": record.seq,
            "at": canonical_time(record.at),
            "actor_id": actor.pk,
            "actor_label": record.actor_label,
            "action": "grant",
            "object_ref": record.object_ref,
            "dossier_ref": record.dossier_ref,
            "summary": record.summary,
            "before": None,
            "after": record.after,
        },
        prev_hash=record.prev_hash,
    )
    return record


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditrecord DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditrecord ENABLE TRIGGER {TRIGGER}")


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor_key", "another-persons-key-xx"), ("version", 1), ("summary", "Autre chose.")],
)
def test_a_changed_record_of_the_new_format_is_found(
    mel_staff: User, column: str, value: Any
) -> None:
    target = audit_record(
        action=AuditAction.LOGIN, actor=mel_staff, obj=mel_staff, summary="Connexion."
    )
    audit_record(action=AuditAction.LOGOUT, actor=mel_staff, obj=mel_staff, summary="Déconnexion.")
    sql = f"UPDATE audit_auditrecord SET {column} = %s WHERE seq = %s"  # noqa: S608 - a test's own
    _raw(sql, [value, target.seq])
    with pytest.raises(CommandError, match=f"n° {target.seq} : contenu modifié"):
        _verify()


def test_the_current_label_is_read_even_on_older_records() -> None:
    person = _user("e")
    audit_record(action=AuditAction.LOGIN, actor=person, obj=person, summary="Connexion.")
    person.last_name = "Nouveau-Nom"
    person.save()
    audit_record(action=AuditAction.LOGOUT, actor=person, obj=person, summary="Déconnexion.")
    actors = {line.actor for line in records_about_user(user_id=person.pk)}
    assert actors == {f"{person} <{person.email}>"}
    assert "Nouveau-Nom" in actors.pop()


def test_records_about_a_person_are_theirs_and_those_naming_them(
    mel_staff: User, committee_member: User, application: Application
) -> None:
    with transaction.atomic():
        access_assign(user=committee_member, obj=application, actions=MEMBER_READS)
    audit_login_failed(username=committee_member.email.upper())
    audit_record(
        action=AuditAction.LOGIN, actor=committee_member, obj=committee_member, summary="Connexion."
    )
    audit_record(action=AuditAction.LOGIN, actor=mel_staff, obj=mel_staff, summary="Connexion.")
    audit_login_failed(username=TYPO)
    lines = records_about_user(user_id=committee_member.pk)
    # Joining the committee (the fixture) is a record about them as well.
    assert [line.action for line in lines] == ["membership", "grant", "login_failed", "login"]
    joined, grant, failed, signed_in = lines
    assert str(committee_member) in joined.text
    assert grant.action_label == "Droit accordé"
    assert str(committee_member) in grant.text
    assert grant.dossier_ref == f"workflows.application:{application.pk}"
    assert committee_member.email.upper() in failed.text
    assert signed_in.object_ref == f"accounts.user:{committee_member.pk}"
    assert all(not TOKEN_RE.search(line.text) for line in lines)


def _user(name: str) -> User:
    from tests.factories.accounts import UserFactory

    return UserFactory.create(
        email=f"{name}@example.org", first_name=name.upper(), last_name="Test"
    )


def test_a_person_named_by_two_writers_at_once_keeps_one_identity() -> None:
    from audit.identities import _create_for_user, key_of_user

    person = _user("f")
    first = key_of_user(person)
    # Another writer's insert arriving second: ignored, without an error nor a savepoint
    # (on PostgreSQL an error would abort the transaction), and the row that won is read.
    with transaction.atomic():
        assert _create_for_user(person.pk, "autre libellé") == first
        audit_record(action=AuditAction.LOGIN, actor=person, obj=person, summary="Connexion.")
    assert AuditIdentity.objects.filter(user=person).count() == 1

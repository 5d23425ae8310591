"""An audited step costs the same whatever the length of the journal, naming people costs one
lookup per transaction, and the dossier panel is one query whatever the people it names."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune
from audit.identities import key_of_user
from audit.models import AuditAction, AuditIdentity, AuditRecord, person_token
from audit.selectors import audit_panel
from audit.services import audit_identities_erase, audit_login_failed, audit_record
from tests.factories.accounts import UserFactory
from tests.workflows.conftest import open_task, submit_first_contact

pytestmark = pytest.mark.django_db


def _pad_to(count: int) -> None:
    for n in range(AuditRecord.objects.count(), count):
        audit_record(action=AuditAction.LOGIN_FAILED, actor=None, summary=f"remplissage {n}")


def _triage_queries(
    client: Client, commune: Commune, staff: User, incubator: Organisation, n: int
) -> list[str]:
    journey = submit_first_contact(client, commune, email=f"porteur{n}@example.org")
    task = open_task(journey, "triage")
    client.force_login(staff)
    url = reverse("workflows:task", args=[task.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, {"decision": "orient", "organisation": incubator.pk})
    assert response.status_code == 302
    return [q["sql"] for q in ctx.captured_queries]


def test_a_triage_costs_the_same_after_5_and_after_200_records(
    client: Client, roubaix: Commune, mel_staff: User, incubator_x: Organisation
) -> None:
    _triage_queries(client, roubaix, mel_staff, incubator_x, 0)  # warms the caches
    _pad_to(5)
    small = _triage_queries(client, roubaix, mel_staff, incubator_x, 1)
    _pad_to(200)
    large = _triage_queries(client, roubaix, mel_staff, incubator_x, 2)
    assert len(small) == len(large)
    appends = [q for q in large if '"audit_auditrecord"' in q]
    assert appends, "each step and each grant is journaled"
    # Never a scan of the journal: the head read (ORDER BY seq DESC LIMIT 1) or, later in the
    # same transaction, the insert guarded by the previous record's seq (a unique index).
    for sql in appends:
        head_read = "DESC LIMIT 1" in sql  # SQLite orders by column position
        guarded = 'WHERE "seq" = ' in sql and 'WHERE "seq" > ' in sql
        plain_insert = sql.startswith('INSERT INTO "audit_auditrecord"')
        assert head_read or guarded or plain_insert, sql
        assert "COUNT(" not in sql.upper()


def test_staff_see_the_dossier_panel_newest_first_in_one_query(
    mel_staff: User, incubator_x_member: User
) -> None:
    for n in range(3):
        audit_record(
            action=AuditAction.DECISION,
            actor=mel_staff,
            dossier_ref="workflows.application:7",
            summary=f"Décision {n}",
        )
    audit_record(action=AuditAction.DECISION, actor=None, dossier_ref="autre", summary="Ailleurs")
    with CaptureQueriesContext(connection) as ctx:
        records = audit_panel(user=mel_staff, dossier_ref="workflows.application:7")
        html = render_to_string("audit/_dossier_audit.html", {"audit_records": records})
    assert len(ctx.captured_queries) == 1
    assert records is not None
    assert [r.text for r in records] == ["Décision 2", "Décision 1", "Décision 0"]
    assert "Journal d'audit (3)" in html
    assert html.index("Décision 2") < html.index("Décision 0")
    assert "Ailleurs" not in html
    assert mel_staff.email in html

    hidden = audit_panel(user=incubator_x_member, dossier_ref="workflows.application:7")
    assert hidden is None
    assert render_to_string("audit/_dossier_audit.html", {"audit_records": hidden}).strip() == ""


def _grants_and_failures(count: int, staff: User, people: list[User]) -> None:
    """Records naming people as actor and as subject, some of them erased since."""
    for n in range(count):
        person = people[n % len(people)]
        audit_record(
            action=AuditAction.GRANT,
            actor=staff,
            dossier_ref="workflows.application:8",
            summary=f"Droit accordé au utilisateur « {person_token(key_of_user(person))} ».",
            subject_key=key_of_user(person),
        )
        audit_login_failed(username=f"essai{n}@example.org")
    audit_identities_erase(user_ids=[people[0].pk])


@pytest.mark.parametrize("count", [2, 40])
def test_the_panel_reads_every_label_in_its_one_query_whatever_its_length(
    mel_staff: User, committee_member: User, financier_member: User, count: int
) -> None:
    _grants_and_failures(count, mel_staff, [committee_member, financier_member])
    with CaptureQueriesContext(connection) as ctx:
        lines = audit_panel(user=mel_staff, dossier_ref="workflows.application:8")
    assert len(ctx.captured_queries) == 1
    assert lines is not None
    assert len(lines) == count
    texts = " ".join(line.text for line in lines)
    assert "personne effacée" in texts
    assert str(financier_member) in texts
    assert {line.actor for line in lines} == {f"{mel_staff} <{mel_staff.email}>"}


def _detail_queries(client: Client, application_pk: int) -> int:
    url = reverse("workflows:application_detail", args=[application_pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_dossier_page_costs_the_same_with_few_or_many_people_named(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee_member: User,
    financier_member: User,
) -> None:
    from tests.workflows.stage_helpers import eligible_application

    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    ref = f"workflows.application:{application.pk}"
    people = [committee_member, financier_member, incubator_x_member]

    def name_people(count: int) -> None:
        for n in range(count):
            person = people[n % len(people)]
            key = key_of_user(person)
            audit_record(
                action=AuditAction.GRANT,
                actor=person,
                dossier_ref=ref,
                summary=f"Droit accordé au utilisateur « {person_token(key)} ».",
                subject_key=key,
            )

    client.force_login(mel_staff)
    _detail_queries(client, application.pk)  # caches warmed
    name_people(3)
    small = _detail_queries(client, application.pk)
    name_people(60)
    audit_identities_erase(user_ids=[committee_member.pk])
    large = _detail_queries(client, application.pk)
    assert small == large


@pytest.mark.django_db(transaction=True)
def test_naming_a_person_costs_one_lookup_per_transaction_whatever_the_journal(
    mel_staff: User, committee_member: User
) -> None:
    key_of_user(committee_member)  # their identity exists
    audit_record(action=AuditAction.LOGIN, actor=mel_staff, summary="Avant")

    def five_appends() -> list[str]:
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            for n in range(5):
                key = key_of_user(committee_member)
                audit_record(
                    action=AuditAction.GRANT,
                    actor=mel_staff,
                    summary=f"Droit accordé au utilisateur « {person_token(key)} » ({n}).",
                    subject_key=key,
                )
        return [q["sql"] for q in ctx.captured_queries]

    small = five_appends()
    _pad_to(300)
    large = five_appends()
    assert len(small) == len(large)
    # The actor's and the subject's keys, each read once for the whole transaction.
    lookups = [sql for sql in large if '"audit_auditidentity"' in sql]
    assert len(lookups) == 2
    assert all(sql.startswith("SELECT") for sql in lookups)


def test_a_failed_sign_in_costs_one_insert_for_its_identifier() -> None:
    audit_login_failed(username="avant@example.org")

    def attempt(n: int) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            audit_login_failed(username=f"essai{n}@example.org")
        return [q["sql"] for q in ctx.captured_queries]

    small = attempt(1)
    _pad_to(200)
    large = attempt(2)
    assert len(small) == len(large)
    identities = [sql for sql in large if '"audit_auditidentity"' in sql]
    assert len(identities) == 1
    assert identities[0].startswith("INSERT")


def test_a_key_created_in_a_rolled_back_savepoint_is_not_reused() -> None:
    # Someone the trail has never named (joining an organisation already gives a key).
    committee_member = UserFactory.create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                lost = key_of_user(committee_member)
                raise RuntimeError("annulé")
        except RuntimeError:
            pass
        record = audit_record(
            action=AuditAction.LOGIN, actor=committee_member, summary="Connexion."
        )
    assert record.actor_key != lost
    assert AuditIdentity.objects.get(key=record.actor_key).user_id == committee_member.pk

"""An audited step costs the same whatever the length of the journal, and the dossier panel
is one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune
from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_panel
from audit.services import audit_record
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
    assert [r.summary for r in records] == ["Décision 2", "Décision 1", "Décision 0"]
    assert "Journal d'audit (3)" in html
    assert html.index("Décision 2") < html.index("Décision 0")
    assert "Ailleurs" not in html
    assert mel_staff.email in html

    hidden = audit_panel(user=incubator_x_member, dossier_ref="workflows.application:7")
    assert hidden is None
    assert render_to_string("audit/_dossier_audit.html", {"audit_records": hidden}).strip() == ""

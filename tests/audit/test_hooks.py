"""What gets recorded, through the real pages and engine: transitions, grants and revokes,
decisions, sign-ins."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune
from audit.models import AuditAction, AuditRecord, person_token
from audit.selectors import audit_chain_break, audit_of_dossier
from funding.models import FundingLine
from funding.services.lines import funding_line_decide
from reviewers.models import Outcome
from reviewers.services.selection import application_instruct
from tests.factories.accounts import PASSWORD
from tests.workflows.conftest import act, open_task, submit_first_contact
from tests.workflows.stage_helpers import (
    deliberate,
    eligible_application,
    hold_session,
    open_task_of,
    perform,
    schedule_session,
    set_grant_financier,
)
from workflows.engine import task_perform

pytestmark = pytest.mark.django_db

MIDDLEWARE = "audit.middleware.AuditActorMiddleware"


@pytest.fixture(autouse=True)
def _actor_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


def _after(record: AuditRecord) -> dict[str, Any]:
    assert isinstance(record.after, dict)
    return record.after


def _of(dossier_ref: str, action: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(dossier_ref=dossier_ref, action=action).order_by("seq"))


def test_first_contact_and_triage_are_chained_transitions_of_the_journey(
    client: Client, roubaix: Commune, mel_staff: User, incubator_x: Organisation
) -> None:
    journey = submit_first_contact(client, roubaix)
    ref = f"workflows.journey:{journey.pk}"
    started = _of(ref, AuditAction.TRANSITION)
    assert started, "the start of the journey is recorded"
    assert _after(started[0])["flux"] == "JourneyFlow"
    assert started[0].actor_id is None  # nobody signed in yet

    triage = open_task(journey, "triage")
    assert (
        act(
            client, mel_staff, triage, {"decision": "orient", "organisation": incubator_x.pk}
        ).status_code
        == 302
    )
    transitions = _of(ref, AuditAction.TRANSITION)
    triaged = [r for r in transitions if r.object_ref == f"viewflow.task:{triage.pk}"]
    assert len(triaged) == 1
    assert _after(triaged[0])["étape"] == "triage"
    assert triaged[0].actor_id == mel_staff.pk
    assert "terminée" in triaged[0].summary
    assert len(transitions) > len(started)

    everything = list(AuditRecord.objects.order_by("seq"))
    for previous, record in itertools.pairwise(everything):
        assert record.prev_hash == previous.hash
    assert audit_chain_break().broken_at is None


def test_assigning_an_incubator_records_its_grants_and_accepting_records_the_revoke(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk},
    )
    ref = f"workflows.journey:{journey.pk}"
    grants = _of(ref, AuditAction.GRANT)
    group = incubator_x.group.name
    assert {(g.object_ref, _after(g)["droit"]) for g in grants} == {
        (f"workflows.journey:{journey.pk}", "view_journey"),
        (f"workflows.journey:{journey.pk}", "orient_journey"),
        (f"applicants.project:{journey.project_id}", "view_project"),  # filed under the journey
    }
    assert all(_after(g)["groupe"] == group and g.actor_id == mel_staff.pk for g in grants)
    assert f"« orient_journey » accordé au groupe « {group} »" in " ".join(
        g.summary for g in grants
    )

    act(client, incubator_x_member, open_task(journey, "orientation"), {"answer": "accept"})
    revoked = _of(ref, AuditAction.REVOKE)
    assert [(r.before and r.before["droit"], r.after, r.actor_id) for r in revoked] == [
        ("orient_journey", None, incubator_x_member.pk)
    ]


def test_signing_in_and_out_and_failed_attempts_are_recorded_never_the_password(
    client: Client, mel_staff: User
) -> None:
    login = reverse("accounts:login")
    client.post(login, {"username": mel_staff.email, "password": "pas-le-bon-mot-de-passe"})
    client.post(login, {"username": mel_staff.email, "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    # (The fixture's joining of the MEL team is recorded too: tests/accounts.)
    records = list(AuditRecord.objects.exclude(action=AuditAction.MEMBERSHIP).order_by("seq"))
    assert [r.action for r in records] == [
        AuditAction.LOGIN_FAILED,
        AuditAction.LOGIN,
        AuditAction.LOGOUT,
    ]
    failed, signed_in, signed_out = records
    # The identifier typed is in an erasable identity of its own, never in the record.
    assert failed.subject_identity is not None
    assert failed.subject_identity.label == mel_staff.email
    assert failed.subject_identity.user_id is None
    assert failed.after == {"identifiant": person_token(failed.subject_identity.key)}
    assert failed.actor_id is None
    assert mel_staff.email not in failed.summary
    assert (signed_in.actor_id, signed_out.actor_id) == (mel_staff.pk, mel_staff.pk)
    assert signed_in.object_ref == f"accounts.user:{mel_staff.pk}"
    for record in records:
        stored = f"{record.summary} {record.before} {record.after} {record.actor_label}"
        assert "pas-le-bon-mot-de-passe" not in stored
        assert PASSWORD not in stored
        assert "********" not in stored


def test_eligibility_deliberation_and_funding_decisions_carry_before_and_after(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    schedule_session(committee)
    set_grant_financier(financier_f)
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    ref = f"workflows.application:{application.pk}"
    perform(
        application,
        "instruction",
        mel_staff,
        lambda p: application_instruct(
            application=p,
            actor=mel_staff,
            session=application.committee_session,
            note="Projet solide, porté par une équipe expérimentée.",
        ),
    )
    hold_session(application)
    deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    line = FundingLine.objects.get(dossier=application)
    task_perform(
        task=open_task_of(line),
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(12000)
        ),
    )

    eligibility, deliberation, funding = _of(ref, AuditAction.DECISION)
    assert (eligibility.before, eligibility.after) == (
        {"statut": "complete"},
        {"statut": "eligible"},
    )
    assert eligibility.actor_id == mel_staff.pk
    assert eligibility.summary.startswith("Éligibilité : ")
    assert _after(deliberation)["avis"] == "favourable"
    assert _after(deliberation)["montant_propose"] == "12000"
    assert deliberation.actor_id == mel_staff.pk
    assert deliberation.object_ref.startswith("reviewers.deliberation:")
    assert funding.object_ref == f"funding.fundingline:{line.pk}"
    assert funding.before == {"decision": "pending"}
    assert _after(funding)["decision"] == "granted"
    assert _after(funding)["montant_accorde"] == "12000"
    # The financier's line runs in its own flow; its steps are filed under the dossier too.
    line_steps = [
        r for r in _of(ref, AuditAction.TRANSITION) if _after(r)["flux"] == "FundingLineFlow"
    ]
    assert any(r.actor_id == financier_member.pk for r in line_steps)
    # And the financier's grants on the line and the dossier.
    assert {_after(r)["droit"] for r in _of(ref, AuditAction.GRANT)} >= {
        "view_fundingline",
        "sign_fundingline",
        "view_application",
    }
    assert audit_chain_break().broken_at is None
    assert [r.seq for r in audit_of_dossier(ref)] == sorted(
        AuditRecord.objects.filter(dossier_ref=ref).values_list("seq", flat=True), reverse=True
    )


def test_a_document_download_is_recorded_under_its_dossier(mel_staff: User) -> None:
    from documents.models import Document
    from documents.signals import document_downloaded

    # Not saved: only what the signal carries is read (no query on the documents tables).
    document = Document(pk=41, application_id=7, code="statuts", original_name="statuts.pdf")
    document_downloaded.send(sender=Document, document=document, user=mel_staff)
    record = AuditRecord.objects.get(action=AuditAction.DOWNLOAD)
    assert (record.actor_id, record.object_ref) == (mel_staff.pk, "documents.document:41")
    assert record.dossier_ref == "workflows.application:7"
    # The file's name may name people: the record keeps the document's number and piece.
    assert record.summary == "Document n° 41 (pièce « statuts ») téléchargé."

"""A financier with a single active member cannot countersign: it is said where the lines are
made (the committee's avis), where the organisation is edited (admin and organisation page),
to the signatory before deciding, and a grant that would wait for ever is refused."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from accounts.services import membership_add, membership_remove
from funding.models import FundingLine, LineState
from reviewers.models import Outcome
from tests.factories.accounts import UserFactory
from tests.workflows.application_helpers import app_task
from tests.workflows.stage_helpers import deliberate, hold_session, instruct, open_task_of
from workflows.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db

ALONE = "n'a pas deux membres actifs pour signer"


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def lone_line(
    client: Client, on_agenda: Application, mel_staff: User, settings: Any
) -> FundingLine:
    """The committee proposes 12 000 € to a financier of one member (threshold 10 000 €);
    staff were warned on the deliberation page before recording it."""
    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 10000
    instruct(on_agenda, mel_staff)
    hold_session(on_agenda)
    client.force_login(mel_staff)
    page = _text(
        client.get(reverse("workflows:task", args=[app_task(on_agenda, "deliberation").pk]))
    )
    assert ALONE in page
    deliberate(on_agenda, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    return FundingLine.objects.get(dossier=on_agenda)


def test_the_lone_signatory_is_warned_refused_above_the_threshold_and_may_grant_below(
    client: Client, lone_line: FundingLine, financier_member: User, mel_staff: User
) -> None:
    url = reverse("workflows:task", args=[open_task_of(lone_line).pk])
    client.force_login(financier_member)
    page = _text(client.get(url))
    assert "Attention :" in page
    assert "personne d'autre que vous ne peut le faire" in page

    refused = client.post(url, {"decision": "grant", "amount": "12 000"})
    assert refused.status_code == 200
    assert "Cette décision ne peut pas être enregistrée" in _text(refused)
    assert 'value="12 000"' in _text(refused)
    lone_line.refresh_from_db()
    assert lone_line.state == LineState.PENDING

    client.force_login(mel_staff)
    dossier = _text(
        client.get(reverse("workflows:application_detail", args=[lone_line.dossier_id]))
    )
    assert f"Ligne de {lone_line.organisation} bloquée" in dossier

    client.force_login(financier_member)
    assert client.post(url, {"decision": "grant", "amount": "10 000"}).status_code == 302
    lone_line.refresh_from_db()
    assert lone_line.state == LineState.GRANTED
    lone_line.dossier.refresh_from_db()
    assert lone_line.dossier.stage == ApplicationStatus.CONVENTION


def test_organisation_pages_list_the_lines_nobody_can_countersign_until_a_member_is_added(
    client: Client,
    lone_line: FundingLine,
    financier_f: Organisation,
    admin_user: User,
    mel_staff: User,
    financier_member: User,
) -> None:
    title = lone_line.dossier.project.title
    client.force_login(admin_user)
    admin_page = _text(
        client.get(reverse("admin:accounts_organisation_change", args=[financier_f.pk]))
    )
    assert "un·e seul·e membre actif·ve" in admin_page
    assert f"Ligne bloquée : « {title} »" in admin_page

    detail = reverse("accounts:organisation_detail", args=[financier_f.slug])
    client.force_login(mel_staff)
    assert "À corriger" in _text(client.get(detail))
    client.force_login(financier_member)  # not the one who can fix it
    assert "À corriger" not in _text(client.get(detail))

    membership_add(organisation=financier_f, user=UserFactory.create(email="dg@f.example.org"))
    client.force_login(mel_staff)
    assert "À corriger" not in _text(client.get(detail))
    client.force_login(admin_user)
    assert "Ligne bloquée" not in _text(
        client.get(reverse("admin:accounts_organisation_change", args=[financier_f.pk]))
    )


def test_a_colleague_who_left_after_the_first_signature_leaves_a_flagged_line(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    financier_f: Organisation,
    financier_member: User,
    settings: Any,
) -> None:
    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 10000
    colleague = UserFactory.create(email="dg@f.example.org")
    membership_add(organisation=financier_f, user=colleague)
    instruct(on_agenda, mel_staff)
    hold_session(on_agenda)
    deliberate(on_agenda, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    line = FundingLine.objects.get(dossier=on_agenda)
    client.force_login(financier_member)
    url = reverse("workflows:task", args=[open_task_of(line).pk])
    assert client.post(url, {"decision": "grant", "amount": "12 000"}).status_code == 302
    line.refresh_from_db()
    assert line.state == LineState.AWAITING_SECOND

    membership_remove(membership=financier_f.memberships.get(user=colleague))
    countersign = _text(client.get(reverse("workflows:task", args=[open_task_of(line).pk])))
    assert f"Personne d'autre chez {financier_f} ne peut signer" in countersign
    client.force_login(mel_staff)
    dossier = _text(client.get(reverse("workflows:application_detail", args=[on_agenda.pk])))
    assert f"Ligne de {financier_f} bloquée" in dossier

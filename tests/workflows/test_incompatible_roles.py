"""Incompatible roles on one dossier, checked at the moment of acting: whoever instructed it
(completed a step asking for ``instruct_application``) neither decides nor countersigns a
financier's line on it, nor scores it — even when they became a member of the financier or
the committee behind the policy's back (set up here directly, as a bypass would). Each is
tried through the real step page; nothing changes, and the page says who may act instead."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, User
from accounts.services import membership_add
from funding.models import Convention, FundingLine, LineState
from reviewers.models import ConflictDeclaration, Outcome, Scoring
from tests.factories.accounts import UserFactory
from tests.workflows.stage_helpers import (
    deliberate,
    hold_session,
    instruct,
    open_task_of,
    scoring_of,
)
from workflows.application.selectors import INSTRUCT_PERMISSION, application_instructor_ids
from workflows.inbox import open_tasks_for
from workflows.models import Application

pytestmark = pytest.mark.django_db

INSTRUCTED = "Vous avez instruit ce dossier"


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _grant(client: Client, user: User, line: FundingLine, amount: str) -> Any:
    client.force_login(user)
    url = reverse("workflows:task", args=[open_task_of(line).pk])
    return client.post(url, {"decision": "grant", "amount": amount, "reason": ""})


@pytest.fixture
def line(on_agenda: Application, mel_staff: User, settings: Any) -> FundingLine:
    """MEL staff instructed the dossier (completeness, eligibility, note, avis); the
    committee proposes 12 000 € to financier F (second signature above 10 000 €)."""
    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 10000
    instruct(on_agenda, mel_staff)
    hold_session(on_agenda)
    deliberate(on_agenda, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    return FundingLine.objects.get(dossier=on_agenda)


@pytest.fixture
def second_signatory(financier_f: Organisation) -> User:
    user = UserFactory.create(email="seconde@financeur-f.example.org")
    membership_add(organisation=financier_f, user=user)
    return user


def test_the_instructors_are_those_who_completed_the_instruction_steps(
    line: FundingLine, mel_staff: User, financier_member: User
) -> None:
    assert application_instructor_ids(application_id=line.dossier_id) == {mel_staff.pk}
    steps = Task.objects.filter(process_id=line.dossier_id, owner_permission=INSTRUCT_PERMISSION)
    assert steps.filter(owner=mel_staff).count() == 4  # completeness, eligibility, note, avis


def test_an_instructor_who_became_a_signatory_cannot_decide_and_is_told_who_can(
    client: Client,
    line: FundingLine,
    mel_staff: User,
    financier_f: Organisation,
    financier_member: User,
    second_signatory: User,
) -> None:
    membership_add(organisation=financier_f, user=mel_staff)  # behind the policy's back
    assert open_task_of(line).pk not in {t.pk for t in open_tasks_for(user=mel_staff)}
    assert open_task_of(line).pk in {t.pk for t in open_tasks_for(user=financier_member)}

    client.force_login(mel_staff)
    url = reverse("workflows:task", args=[open_task_of(line).pk])
    page = _text(client.get(url))
    assert f"{INSTRUCTED} : la décision revient à un·e autre signataire du financeur." in page
    assert str(financier_member) in page
    assert str(second_signatory) in page

    refused = _grant(client, mel_staff, line, "9 000")
    assert refused.status_code == 200
    assert INSTRUCTED in _text(refused)
    line.refresh_from_db()
    assert (line.state, line.first_signer_id, line.decided_amount) == (
        LineState.PENDING,
        None,
        None,
    )


def test_an_instructor_cannot_countersign_and_a_signatory_who_did_not_instruct_can(
    client: Client,
    line: FundingLine,
    mel_staff: User,
    financier_f: Organisation,
    financier_member: User,
    second_signatory: User,
) -> None:
    membership_add(organisation=financier_f, user=mel_staff)
    assert _grant(client, financier_member, line, "12 000").status_code == 302
    line.refresh_from_db()
    assert line.state == LineState.AWAITING_SECOND
    countersign = open_task_of(line)
    assert countersign.pk not in {t.pk for t in open_tasks_for(user=mel_staff)}

    client.force_login(mel_staff)
    url = reverse("workflows:task", args=[countersign.pk])
    refused = client.post(url, {"decision": "confirm", "reason": ""})
    assert refused.status_code == 200
    text = _text(refused)
    assert f"{INSTRUCTED} : la seconde signature revient à un·e autre signataire" in text
    assert str(second_signatory) in text
    line.refresh_from_db()
    assert (line.state, line.second_signer_id) == (LineState.AWAITING_SECOND, None)

    client.force_login(second_signatory)
    assert client.post(url, {"decision": "confirm", "reason": ""}).status_code == 302
    line.refresh_from_db()
    assert (line.state, line.second_signer_id) == (LineState.GRANTED, second_signatory.pk)


def test_an_instructor_alone_with_the_line_is_shown_the_way_out(
    client: Client, line: FundingLine, mel_staff: User, financier_f: Organisation
) -> None:
    financier_f.memberships.all().delete()
    membership_add(organisation=financier_f, user=mel_staff)
    client.force_login(mel_staff)
    page = _text(client.get(reverse("workflows:task", args=[open_task_of(line).pk])))
    assert "demandez au service des habilitations de la MEL d'ajouter un·e signataire" in page


def test_a_signatory_who_did_not_instruct_decides(
    client: Client, line: FundingLine, financier_member: User
) -> None:
    assert _grant(client, financier_member, line, "9 000").status_code == 302
    line.refresh_from_db()
    assert (line.state, line.first_signer_id) == (LineState.GRANTED, financier_member.pk)


def test_an_instructor_on_the_committee_gets_no_scoring_of_the_dossier(
    on_agenda: Application, mel_staff: User, committee: Organisation, committee_member: User
) -> None:
    membership_add(organisation=committee, user=mel_staff)  # behind the policy's back
    instruct(on_agenda, mel_staff)
    assert not Scoring.objects.filter(dossier=on_agenda, member=mel_staff).exists()
    assert (
        ConflictDeclaration.objects.get(
            application=on_agenda, member=mel_staff, automatic=True
        ).reason
        == "A instruit le dossier."
    )
    assert Scoring.objects.filter(dossier=on_agenda, member=committee_member).exists()


def test_a_member_who_instructed_cannot_score_at_the_moment_of_acting_and_may_withdraw(
    client: Client, on_agenda: Application, mel_staff: User, committee_member: User
) -> None:
    instruct(on_agenda, mel_staff)
    scoring = scoring_of(on_agenda, committee_member)
    # The member completed an instruction step after their scoring opened (a bypass).
    Task.objects.filter(
        process_id=on_agenda.pk, owner_permission=INSTRUCT_PERMISSION, status="DONE"
    ).update(owner=committee_member)
    from funding.selectors import scoring_grid

    grid = scoring_grid(rule_version=on_agenda.rule_version)
    data = {f"score_{c.pk}": c.max_score for c in grid}
    client.force_login(committee_member)
    url = reverse("workflows:task", args=[open_task_of(scoring).pk])
    refused = client.post(url, data)
    assert refused.status_code == 200
    text = _text(refused)
    assert f"{INSTRUCTED} : vous ne pouvez pas le noter." in text
    assert "Déportez-vous" in text
    scoring.refresh_from_db()
    assert scoring.submitted_at is None
    assert scoring.weighted_score is None


def test_a_declared_conflict_still_keeps_a_member_from_scoring(
    client: Client, on_agenda: Application, mel_staff: User, committee_member: User
) -> None:
    from reviewers.services.selection import conflict_declare

    instruct(on_agenda, mel_staff)
    conflict_declare(application=on_agenda, member=committee_member, reason="Ancien associé.")
    scoring = scoring_of(on_agenda, committee_member)
    assert scoring.submitted_at is None
    assert not committee_member.has_perm("workflows.consult_application", on_agenda)


def test_a_scorer_who_became_programme_staff_cannot_record_the_committees_avis(
    on_agenda: Application,
    mel_staff: User,
    mel_team: Organisation,
    committee_member: User,
) -> None:
    """The other way round: whoever scored the dossier does not then instruct it (recording
    the committee's avis is an instruction step), even added to the MEL team afterwards."""
    from reviewers.services.selection import scoring_submit
    from tests.workflows.test_stages_engine import _all_max
    from workflows.engine import task_perform

    instruct(on_agenda, mel_staff)
    mine = scoring_of(on_agenda, committee_member)
    task_perform(
        task=open_task_of(mine),
        user=committee_member,
        perform=lambda p: scoring_submit(scoring=p, actor=committee_member, scores=_all_max(p)),
    )
    membership_add(organisation=mel_team, user=committee_member)  # behind the policy's back
    hold_session(on_agenda)

    with pytest.raises(ApplicationError, match="Vous avez noté ce dossier"):
        deliberate(on_agenda, committee_member, Outcome.FAVOURABLE, amount=Decimal(12000))
    assert not on_agenda.deliberations.exists()
    deliberate(on_agenda, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    assert on_agenda.deliberations.exists()


def test_a_signatory_who_became_programme_staff_cannot_instruct_the_convention_or_payments(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    mel_team: Organisation,
    financier_member: User,
) -> None:
    """Whoever signed a financier's decision on the dossier does not then record its
    convention nor order its payments (instruction steps), even once in the MEL team."""
    from tests.workflows.test_award_pages import _granted, _post_step

    _granted(client, on_agenda, mel_staff, financier_member)
    membership_add(organisation=mel_team, user=financier_member)  # behind the policy's back

    refused = _post_step(client, financier_member, on_agenda, "convention", {"waived": "on"})

    assert refused.status_code == 200
    assert "Vous avez signé la décision d'un financeur sur ce dossier" in _text(refused)
    assert not Convention.objects.filter(application=on_agenda).exists()
    done = _post_step(client, mel_staff, on_agenda, "convention", {"waived": "on"})
    assert done.status_code == 302

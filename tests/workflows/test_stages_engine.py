"""The dossier from eligibility to closure through the real engine (services + flows),
each step completed by the person who owns it. Pages are tested in their own modules."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, User
from applicants.models import Commune
from funding.models import FundingLine, LineState
from funding.selectors import scoring_grid
from funding.services.lines import funding_line_countersign, funding_line_decide
from funding.services.payments import (
    application_close,
    application_convention_record,
    report_submit,
    tranche_blockers,
    tranche_release,
)
from reviewers.models import Outcome, Scoring
from reviewers.services.selection import (
    conflict_declare,
    scoring_submit,
)
from tests.workflows.application_helpers import app_task
from tests.workflows.stage_helpers import (
    add_member,
    deliberate,
    eligible_application,
    fund_and_advance,
    hold_session,
    instruct,
    open_task_of,
    perform,
    schedule_session,
    scoring_of,
    set_grant_financier,
)
from workflows.engine import task_perform
from workflows.inbox import open_tasks_for
from workflows.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db

NOTE = "Projet solide, porté par une équipe expérimentée ; budget réaliste."


def _all_max(scoring: Scoring) -> dict[int, int]:
    grid = scoring_grid(rule_version=scoring.dossier.rule_version)
    return {c.pk: c.max_score for c in grid}


def _due_timers(application: Application) -> int:
    Task.objects.filter(process_id=application.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    return fire_due_timers()


def test_from_the_agenda_to_closure_every_stage_by_its_owner(
    on_agenda: Application,
    mel_staff: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    application = on_agenda
    second_member = add_member(committee, "deuxieme@comite.example.org")
    assert application.committee_session is not None

    instruct(application, mel_staff)
    scorings = Scoring.objects.filter(dossier=application)
    assert {s.member_id for s in scorings} == {committee_member.pk, second_member.pk}
    mine = scoring_of(application, committee_member)
    assert open_task_of(mine) in open_tasks_for(user=committee_member)
    assert not open_tasks_for(user=committee_member).filter(process_id=application.pk).exists()

    task_perform(
        task=open_task_of(mine),
        user=committee_member,
        perform=lambda p: scoring_submit(scoring=p, actor=committee_member, scores=_all_max(p)),
    )
    mine.refresh_from_db()
    assert mine.weighted_score == Decimal("100.00")

    with pytest.raises(ApplicationError, match="pas encore eu lieu"):
        deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(20000))
    hold_session(application)
    deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FUNDING
    other = scoring_of(application, second_member)
    assert other.status == STATUS.CANCELED  # did not score in time
    deliberation = application.deliberations.get()
    assert deliberation.average_score == Decimal("100.00")
    assert deliberation.scorings_submitted == 1

    line = FundingLine.objects.get(dossier=application)
    assert line.organisation == financier_f
    assert line.is_programme_grant
    decide = open_task_of(line)
    assert decide in open_tasks_for(user=financier_member)
    assert not open_tasks_for(user=committee_member).filter(pk=decide.pk).exists()
    task_perform(
        task=decide,
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(12000)
        ),
    )
    line.refresh_from_db()
    assert line.state == LineState.GRANTED  # 12 000 € is under the second-signature amount
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CONVENTION

    perform(
        application,
        "convention",
        mel_staff,
        lambda p: application_convention_record(application=p, actor=mel_staff, waived=True),
    )
    advance, balance = application.tranches.all()
    assert (advance.amount, balance.amount) == (Decimal("8400.00"), Decimal("3600.00"))
    assert "IBAN" in " ".join(tranche_blockers(tranche=advance))
    structure = application.project.structure
    structure.iban = "FR7630006000011234567890189"
    structure.save()
    assert tranche_blockers(tranche=advance) == []
    perform(
        application,
        "advance",
        mel_staff,
        lambda p: tranche_release(application=p, position=1, actor=mel_staff),
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FOLLOW_UP
    assert [r.months for r in application.reports.all()] == [6, 12, 36]

    holder = application.holder.user
    values = {"jobs_created_fte": Decimal(2), "still_active": True, "beneficiaries": 40}
    for _report in range(3):
        assert _due_timers(application) >= 1  # the next report opens
        perform(
            application,
            "report",
            holder,
            lambda p: report_submit(application=p, actor=holder, values=values),
        )
    assert application.reports.filter(submitted_at__isnull=True).count() == 0
    perform(
        application,
        "balance",
        mel_staff,
        lambda p: (
            tranche_release(application=p, position=2, actor=mel_staff),
            application_close(application=p, actor=mel_staff),
        ),
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED
    assert application.status == STATUS.DONE


def test_a_late_report_is_reminded_then_escalated_by_the_timers(
    on_agenda: Application, mel_staff: User, committee_member: User, financier_member: User
) -> None:
    application = fund_and_advance(on_agenda, mel_staff, financier_member)
    assert _due_timers(application) >= 1  # report opens
    assert app_task(application, "report")
    assert _due_timers(application) >= 1  # due date passes → reminder
    report = application.reports.order_by("due_on").first()
    assert report is not None
    assert report.reminded_at is not None
    assert app_task(application, "report_late")
    assert _due_timers(application) >= 1  # still nothing → escalation
    report.refresh_from_db()
    assert report.escalated_at is not None
    assert app_task(application, "report_escalated")
    assert "responsable du programme" in application.events.last().message


def test_a_conflicted_member_never_gets_the_scoring_task(
    on_agenda: Application,
    mel_staff: User,
    committee: Organisation,
    committee_member: User,
    incubator_x: Organisation,
) -> None:
    application = on_agenda
    conflicted = add_member(committee, "conflit@comite.example.org")
    conflict_declare(application=application, member=conflicted, reason="Je connais la porteuse.")
    # A committee member who also advises at the supporting incubator withdraws automatically.
    from accounts.services import membership_add

    both = add_member(committee, "double@comite.example.org")
    membership_add(organisation=incubator_x, user=both)
    instruct(application, mel_staff)
    members = set(Scoring.objects.filter(dossier=application).values_list("member_id", flat=True))
    assert members == {committee_member.pk}
    assert not open_tasks_for(user=conflicted).exists()
    assert not open_tasks_for(user=both).exists()
    # Declared after the scoring opened: the task is cancelled and leaves the inbox.
    conflict_declare(application=application, member=committee_member)
    assert not open_tasks_for(user=committee_member).exists()
    cancelled = scoring_of(application, committee_member)
    assert cancelled.status == STATUS.CANCELED
    # Its reminder is cancelled with it: no reminder for a dossier the member withdrew from.
    assert not Task.objects.filter(process_id=cancelled.pk, status=STATUS.SCHEDULED).exists()


def test_adjourned_goes_back_to_the_applicant_then_to_the_next_session(
    on_agenda: Application, mel_staff: User, committee: Organisation
) -> None:
    from workflows.application.services import application_submit

    application = on_agenda
    instruct(application, mel_staff)
    hold_session(application)
    deliberate(
        application, mel_staff, Outcome.ADJOURNED, reasons="Préciser le plan de financement."
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.ADJOURNED
    later = schedule_session(committee, days_ahead=90)
    holder = application.holder.user
    perform(
        application, "improve", holder, lambda p: application_submit(application=p, actor=holder)
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.ON_AGENDA
    assert application.committee_session == later
    assert app_task(application, "instruction")


def test_two_financiers_one_declines_the_other_stands_and_big_grants_need_two_signatures(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
    settings: Any,
) -> None:
    from accounts.models import OrganisationKind
    from funding.services.lines import financing_coverage
    from tests.factories.accounts import make_organisation
    from workflows.models import FinancingLine

    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 10000
    schedule_session(committee)
    set_grant_financier(financier_f)
    bank = make_organisation("Banque solidaire G", OrganisationKind.FINANCIER)
    banker = add_member(bank, "analyste@banque-g.example.org")
    colleague = add_member(financier_f, "directrice@financeur-f.example.org")
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    FinancingLine.objects.create(
        application=application,
        financier_name=bank.name,
        organisation=bank,
        instrument="PRET_SOLIDAIRE",
        amount=Decimal(15000),
    )
    instruct(application, mel_staff)
    hold_session(application)
    deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    grant = FundingLine.objects.get(dossier=application, organisation=financier_f)
    loan = FundingLine.objects.get(dossier=application, organisation=bank)
    assert not open_tasks_for(user=banker).filter(process_id=grant.pk).exists()

    task_perform(
        task=open_task_of(loan),
        user=banker,
        perform=lambda p: funding_line_decide(line=p, actor=banker, grant=False, reason="Risque."),
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FUNDING  # the grant is still to decide
    coverage = financing_coverage(application=application)
    assert coverage.declined == Decimal(15000)
    assert not coverage.is_covered

    task_perform(
        task=open_task_of(grant),
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(12000)
        ),
    )
    grant.refresh_from_db()
    assert grant.state == LineState.AWAITING_SECOND
    countersign = open_task_of(grant)
    assert not open_tasks_for(user=financier_member).filter(pk=countersign.pk).exists()
    assert open_tasks_for(user=colleague).filter(pk=countersign.pk).exists()
    with pytest.raises(ApplicationError, match="collègue"):
        task_perform(
            task=countersign,
            user=financier_member,
            perform=lambda p: funding_line_countersign(
                line=p, actor=financier_member, confirm=True
            ),
        )
    task_perform(
        task=countersign,
        user=colleague,
        perform=lambda p: funding_line_countersign(line=p, actor=colleague, confirm=True),
    )
    grant.refresh_from_db()
    loan.refresh_from_db()
    assert (grant.state, loan.state) == (LineState.GRANTED, LineState.DECLINED)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CONVENTION
    assert app_task(application, "convention")


def test_withdrawing_while_on_the_agenda_cancels_every_member_scoring(
    on_agenda: Application, mel_staff: User, committee_member: User
) -> None:
    from workflows.application.services import application_withdraw

    application = on_agenda
    instruct(application, mel_staff)
    assert open_tasks_for(user=committee_member).exists()
    application_withdraw(
        application=application, actor=application.holder.user, reason="Projet reporté."
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.WITHDRAWN
    assert not open_tasks_for(user=committee_member).exists()
    assert scoring_of(application, committee_member).status == STATUS.CANCELED


def test_no_withdrawal_after_the_committee_decided(
    on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    from workflows.application.services import application_withdraw

    application = fund_and_advance(on_agenda, mel_staff, financier_member)
    with pytest.raises(ApplicationError, match="décision"):
        application_withdraw(application=application, actor=application.holder.user)


def test_favourable_amount_must_respect_the_caps_of_the_rule_version(
    on_agenda: Application, mel_staff: User
) -> None:
    application = on_agenda
    instruct(application, mel_staff)
    hold_session(application)
    with pytest.raises(ApplicationError) as refused:
        deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(31000))
    assert refused.value.field == "amount"
    assert app_task(application, "deliberation").status in (STATUS.NEW, STATUS.ASSIGNED)
    assert not application.deliberations.exists()


def test_a_member_who_has_not_scored_is_reminded_before_the_session(
    on_agenda: Application, mel_staff: User, committee_member: User
) -> None:
    application = on_agenda
    instruct(application, mel_staff)
    scoring = scoring_of(application, committee_member)
    timer = Task.objects.get(process_id=scoring.pk, status=STATUS.SCHEDULED)
    session_start = application.committee_session.starts_at
    assert timer.scheduled == session_start - datetime.timedelta(days=3)
    Task.objects.filter(pk=timer.pk).update(scheduled=timezone.now())
    assert fire_due_timers() == 1
    scoring.refresh_from_db()
    assert scoring.reminded_at is not None
    assert open_task_of(scoring) in open_tasks_for(user=committee_member)  # still to score
    assert "Relance" in application.events.last().message


def test_a_withdrawal_follows_the_dossier_to_another_session(
    on_agenda: Application, mel_staff: User, committee: Organisation, committee_member: User
) -> None:
    from reviewers.services.sessions import committee_session_set_status
    from workflows.application.flows import application_move_session

    application = on_agenda
    conflict_declare(application=application, member=committee_member, reason="Lien familial.")
    instruct(application, mel_staff)
    assert not Scoring.objects.filter(dossier=application, member=committee_member).exists()
    first = application.committee_session
    later = schedule_session(committee, days_ahead=60)
    committee_session_set_status(session=first, status="cancelled")
    application.refresh_from_db()
    hold_session(application)
    with pytest.raises(ApplicationError, match="annulée"):
        deliberate(application, mel_staff, Outcome.UNFAVOURABLE, reasons="Non.")
    other = add_member(committee, "autre@comite.example.org")
    application_move_session(application=application, actor=mel_staff, session=later)
    application.refresh_from_db()
    assert application.committee_session == later
    members = set(
        Scoring.objects.filter(dossier=application, session=later).values_list(
            "member_id", flat=True
        )
    )
    assert members == {other.pk}  # the withdrawn member stays out at the new session


def test_the_committee_cannot_propose_more_than_was_asked(
    on_agenda: Application, mel_staff: User
) -> None:
    application = on_agenda
    instruct(application, mel_staff)
    hold_session(application)
    with pytest.raises(ApplicationError, match="plus que le montant demandé"):
        deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12001))


def test_staff_withdraw_a_line_that_will_never_be_decided_and_the_dossier_moves_on(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    from accounts.models import OrganisationKind
    from funding.services.lines import funding_line_cancel
    from tests.factories.accounts import make_organisation
    from workflows.models import FinancingLine

    schedule_session(committee)
    set_grant_financier(financier_f)
    silent = make_organisation("Financeur muet", OrganisationKind.FINANCIER)
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    FinancingLine.objects.create(
        application=application,
        financier_name=silent.name,
        organisation=silent,
        instrument="PRET_HONNEUR",
        amount=Decimal(5000),
    )
    instruct(application, mel_staff)
    hold_session(application)
    deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(9000))
    grant = FundingLine.objects.get(dossier=application, organisation=financier_f)
    task_perform(
        task=open_task_of(grant),
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(9000)
        ),
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FUNDING  # waits for the silent financier
    line = FundingLine.objects.get(dossier=application, organisation=silent)
    with pytest.raises(ApplicationError, match="pourquoi"):
        funding_line_cancel(line=line, actor=mel_staff, reason=" ")
    funding_line_cancel(line=line, actor=mel_staff, reason="Aucune réponse depuis trois mois.")
    line.refresh_from_db()
    assert line.state == LineState.CANCELLED
    assert line.status == STATUS.CANCELED
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CONVENTION
    with pytest.raises(ApplicationError, match="déjà décidé"):
        funding_line_cancel(line=grant, actor=mel_staff, reason="Erreur.")


def test_a_funded_dossier_can_be_closed_before_any_payment_and_only_then(
    on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    from funding.services.payments import application_close_unpaid

    application = on_agenda
    instruct(application, mel_staff)
    hold_session(application)
    deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(9000))
    line = FundingLine.objects.get(dossier=application)
    task_perform(
        task=open_task_of(line),
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(9000)
        ),
    )
    application_close_unpaid(
        application=application, actor=mel_staff, reason="Convention jamais signée."
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED
    assert application.status == STATUS.CANCELED
    assert not Task.objects.filter(
        process_id=application.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED]
    ).exists()
    with pytest.raises(ApplicationError):
        application_close_unpaid(application=application, actor=mel_staff, reason="Encore.")


def test_reports_fall_due_from_the_advance_and_esus_is_judged_at_the_decision(
    on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    from funding.models import Condition

    application = fund_and_advance(on_agenda, mel_staff, financier_member)
    first = application.reports.order_by("due_on").first()
    assert first is not None
    today = timezone.localdate()
    assert first.due_on > today + datetime.timedelta(days=150)  # about six months from now
    balance = application.tranches.get(position=2)
    # An association needs no ESUS: no such condition, however old it becomes.
    assert Condition.ESUS_GRANTED not in balance.conditions

"""The dossier's paths after eligibility, end to end through HTTP as the real personas:
each step taken on its page by the person who owns it, each path asserting the state of
the process and its steps and what every persona can and cannot see."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.models import Organisation, OrganisationKind, User
from applicants.models import Commune
from funding.models import FundingLine, LineState
from funding.selectors import scoring_grid
from tests.factories.accounts import make_organisation
from tests.workflows.application_helpers import app_task
from tests.workflows.stage_helpers import (
    add_member,
    eligible_application,
    hold_session,
    open_task_of,
    schedule_session,
    scoring_of,
    set_grant_financier,
)
from workflows.models import Application, ApplicationStatus, FinancingLine

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"
REPORT = {
    "jobs_created_fte": "2",
    "jobs_kept_fte": "1",
    "qpv_residents_hired": "1",
    "beneficiaries": "40",
}
NOTE = "Projet solide, équipe expérimentée ; budget réaliste et cofinancements sollicités."


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _step(client: Client, user: User, application: Application, node: str, data: Any) -> Any:
    url = reverse("workflows:task", args=[app_task(application, node).pk])
    return _as(client, user).post(url, data)


def _status(client: Client, user: User, url: str) -> int:
    return _as(client, user).get(url).status_code


def _inbox_has(client: Client, user: User, task: Task) -> bool:
    page = _as(client, user).get(reverse("workflows:inbox"))
    return any(t.pk == task.pk for t in page.context["page"])


def _fire(application: Application) -> int:
    Task.objects.filter(process_id=application.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    return fire_due_timers()


def _instruct(client: Client, staff: User, application: Application) -> None:
    session = application.committee_session
    assert session is not None
    data = {"session": session.pk, "note": NOTE}
    assert _step(client, staff, application, "instruction", data).status_code == 302


def _score(client: Client, member: User, application: Application, value: int) -> None:
    scoring = scoring_of(application, member)
    grid = scoring_grid(rule_version=application.rule_version)
    data = {f"score_{c.pk}": str(min(value, c.max_score)) for c in grid}
    url = reverse("workflows:task", args=[open_task_of(scoring).pk])
    assert _as(client, member).post(url, data).status_code == 302


def _deliberate(client: Client, staff: User, application: Application, **data: str) -> None:
    hold_session(application)
    assert _step(client, staff, application, "deliberation", data).status_code == 302
    application.refresh_from_db()


def _decide(client: Client, user: User, line: FundingLine, data: dict[str, str]) -> Any:
    url = reverse("workflows:task", args=[open_task_of(line).pk])
    return _as(client, user).post(url, data)


def test_happy_path_to_closure_each_persona_on_its_own_pages(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_member: User,
    applicant_b: User,
) -> None:
    application = on_agenda
    holder = application.holder.user
    detail = reverse("workflows:application_detail", args=[application.pk])
    second = add_member(committee, "deuxieme@comite.example.org")

    _instruct(client, mel_staff, application)
    scoring = scoring_of(application, committee_member)
    scoring_url = reverse("workflows:task", args=[open_task_of(scoring).pk])
    assert _inbox_has(client, committee_member, open_task_of(scoring))
    page = _as(client, committee_member).get(scoring_url).content.decode()
    assert NOTE in page  # the member reads the instruction note on the scoring page
    # Members reach the dossier only through their scoring; nobody else reaches that.
    assert _status(client, committee_member, detail) == 404
    assert _status(client, applicant_b, scoring_url) == 404
    assert _status(client, second, scoring_url) == 404
    assert _status(client, financier_member, scoring_url) == 404

    _score(client, committee_member, application, 4)
    _score(client, second, application, 2)
    _deliberate(client, mel_staff, application, outcome="favourable", proposed_amount="12 000")
    assert application.stage == ApplicationStatus.FUNDING
    letter = _as(client, holder).get(reverse("workflows:decision_letter", args=[application.pk]))
    assert letter.content.startswith(b"%PDF")

    line = FundingLine.objects.get(dossier=application)
    assert _inbox_has(client, financier_member, open_task_of(line))
    assert _status(client, financier_member, detail) == 200  # shared with the financier
    response = _decide(client, financier_member, line, {"decision": "grant", "amount": "12 000"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CONVENTION

    today = timezone.localdate().strftime("%d/%m/%Y")
    signed = {"holder_signed_on": today, "mel_signed_on": today}
    assert _step(client, mel_staff, application, "convention", signed).status_code == 302
    blocked = _step(client, mel_staff, application, "advance", {})
    assert blocked.status_code == 200
    assert "IBAN" in blocked.content.decode()
    assert app_task(application, "advance").status in (STATUS.NEW, STATUS.ASSIGNED)
    structure = application.project.structure
    structure.iban = IBAN
    structure.save()
    assert _step(client, mel_staff, application, "advance", {}).status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FOLLOW_UP

    report = {**REPORT, "jobs_created_fte": "1,5"}
    for _ in range(3):
        assert _fire(application) >= 1  # the next report opens
        task = app_task(application, "report")
        assert _inbox_has(client, holder, task)
        assert _step(client, incubator_x_member, application, "report", report).status_code == 403
        response = _step(client, holder, application, "report", {**report, "still_active": "yes"})
        assert response.status_code == 302
    assert (
        _step(client, mel_staff, application, "balance", {"action": "release"}).status_code == 302
    )

    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED
    assert application.status == PROCESS.DONE
    assert application.tranches.filter(released_at__isnull=False).count() == 2
    assert not Task.objects.filter(process_id=application.pk, status__in=["NEW", "SCHEDULED"])
    for user, expected in (
        (holder, 200),
        (mel_staff, 200),
        (incubator_x_member, 200),
        (financier_member, 200),
        (committee_member, 404),
        (applicant_b, 404),
    ):
        assert _status(client, user, detail) == expected, user
    assert "clôturé" in _as(client, holder).get(detail).content.decode()


def test_adjourned_then_selected_at_the_next_session(
    client: Client, on_agenda: Application, mel_staff: User, committee: Organisation
) -> None:
    application = on_agenda
    holder = application.holder.user
    _instruct(client, mel_staff, application)
    _deliberate(
        client, mel_staff, application, outcome="adjourned", reasons="Préciser les débouchés."
    )
    assert application.stage == ApplicationStatus.ADJOURNED
    improve = app_task(application, "improve")
    assert _inbox_has(client, holder, improve)
    later = schedule_session(committee, days_ahead=60)

    edit = reverse("workflows:application_edit", args=[application.pk])
    from tests.workflows.application_helpers import full_data

    data = full_data(application, social_utility="Débouchés précisés : trois cantines.")
    assert _as(client, holder).post(edit, {**data, "action": "submit"}).status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.ON_AGENDA
    assert application.committee_session == later
    assert application.social_utility.startswith("Débouchés précisés")

    _instruct(client, mel_staff, application)
    _deliberate(client, mel_staff, application, outcome="favourable", proposed_amount="10000")
    assert application.stage == ApplicationStatus.FUNDING
    assert [d.outcome for d in application.deliberations.all()] == ["adjourned", "favourable"]


def test_unfavourable_ends_the_dossier_with_a_motivated_letter(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    committee_member: User,
    applicant_b: User,
) -> None:
    application = on_agenda
    _instruct(client, mel_staff, application)
    _deliberate(
        client, mel_staff, application, outcome="unfavourable", reasons="Marché déjà couvert."
    )
    assert application.stage == ApplicationStatus.REJECTED
    assert application.status == PROCESS.DONE
    assert scoring_of(application, committee_member).status == STATUS.CANCELED
    assert not FundingLine.objects.filter(dossier=application).exists()
    letter_url = reverse("workflows:decision_letter", args=[application.pk])
    assert _as(client, application.holder.user).get(letter_url).content.startswith(b"%PDF")
    assert _status(client, applicant_b, letter_url) == 404
    assert not _as(client, committee_member).get(reverse("workflows:inbox")).context["page"]


def test_one_financier_declines_while_another_signs(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    from decimal import Decimal

    schedule_session(committee)
    set_grant_financier(financier_f)
    bank = make_organisation("Banque solidaire G", OrganisationKind.FINANCIER)
    banker = add_member(bank, "analyste@banque-g.example.org")
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    FinancingLine.objects.create(
        application=application,
        financier_name=bank.name,
        organisation=bank,
        instrument="PRET_SOLIDAIRE",
        amount=Decimal(15000),
    )
    _instruct(client, mel_staff, application)
    _deliberate(client, mel_staff, application, outcome="favourable", proposed_amount="12000")
    grant = FundingLine.objects.get(dossier=application, organisation=financier_f)
    loan = FundingLine.objects.get(dossier=application, organisation=bank)
    # Each financier sees its own line only.
    assert _inbox_has(client, banker, open_task_of(loan))
    assert not _inbox_has(client, banker, open_task_of(grant))
    grant_url = reverse("workflows:task", args=[open_task_of(grant).pk])
    assert _status(client, banker, grant_url) == 404

    refused = _decide(client, banker, loan, {"decision": "decline", "reason": "Risque trop élevé."})
    assert refused.status_code == 302
    staff_page = _as(client, mel_staff).get(
        reverse("workflows:application_detail", args=[application.pk])
    )
    assert "Il manque" in staff_page.content.decode()
    granted = _decide(client, financier_member, grant, {"decision": "grant", "amount": "12000"})
    assert granted.status_code == 302
    grant.refresh_from_db()
    loan.refresh_from_db()
    assert (grant.state, loan.state) == (LineState.GRANTED, LineState.DECLINED)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CONVENTION


def test_late_report_reminded_then_escalated_then_received_then_closure(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    financier_member: User,
    settings: Any,
) -> None:
    settings.FOLLOW_UP_REPORT_MONTHS = [12]  # one (final) report keeps the path short
    application = on_agenda
    holder = application.holder.user
    _instruct(client, mel_staff, application)
    _deliberate(client, mel_staff, application, outcome="favourable", proposed_amount="9000")
    line = FundingLine.objects.get(dossier=application)
    assert _decide(client, financier_member, line, {"decision": "grant", "amount": "9000"})
    assert _step(client, mel_staff, application, "convention", {"waived": "on"}).status_code == 302
    structure = application.project.structure
    structure.iban = IBAN
    structure.save()
    assert _step(client, mel_staff, application, "advance", {}).status_code == 302

    assert _fire(application) == 1  # the report opens
    assert _fire(application) == 1  # its due date passes: reminder
    report = application.reports.get()
    assert report.reminded_at is not None
    assert report.escalated_at is None
    assert _inbox_has(client, holder, app_task(application, "report_late"))
    page = _as(client, holder).get(
        reverse("workflows:task", args=[app_task(application, "report_late").pk])
    )
    assert "retard" in page.content.decode()
    assert _fire(application) == 1  # still nothing after the reminder: escalation
    report.refresh_from_db()
    assert report.escalated_at is not None
    data = {**REPORT, "still_active": "yes"}
    assert _step(client, holder, application, "report_escalated", data).status_code == 302
    report.refresh_from_db()
    assert report.submitted_at is not None
    assert (
        _step(client, mel_staff, application, "balance", {"action": "release"}).status_code == 302
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED
    assert application.status == PROCESS.DONE


def test_conflicts_reminders_and_financiers_reasons_stay_out_of_others_history(
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
    from decimal import Decimal

    schedule_session(committee)
    set_grant_financier(financier_f)
    bank = make_organisation("Banque solidaire G", OrganisationKind.FINANCIER)
    banker = add_member(bank, "analyste@banque-g.example.org")
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    FinancingLine.objects.create(
        application=application,
        financier_name=bank.name,
        organisation=bank,
        instrument="PRET_SOLIDAIRE",
        amount=Decimal(15000),
    )
    conflicted = add_member(committee, "jeanne@comite.example.org")
    agenda = reverse("workflows:conflict_declare", args=[application.pk])
    assert _as(client, conflicted).post(agenda, {"reason": "Ma cousine."}).status_code == 302
    _instruct(client, mel_staff, application)
    _deliberate(client, mel_staff, application, outcome="favourable", proposed_amount="12000")
    loan = FundingLine.objects.get(dossier=application, organisation=bank)
    secret = "Scoring Banque de France défavorable"
    assert _decide(client, banker, loan, {"decision": "decline", "reason": secret})

    detail = reverse("workflows:application_detail", args=[application.pk])
    staff_page = _as(client, mel_staff).get(detail).content.decode()
    assert "se déporte" in staff_page
    assert secret in staff_page
    for user in (application.holder.user, incubator_x_member, financier_member, banker):
        page = _as(client, user).get(detail).content.decode()
        assert "se déporte" not in page, user
        assert str(conflicted) not in page, user
        assert secret not in page, user
    assert (
        "ne finance pas le projet"
        in _as(client, application.holder.user).get(detail).content.decode()
    )


def test_staff_actions_on_a_dossier_are_refused_to_everyone_else(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    incubator_x_member: User,
    financier_member: User,
    committee: Organisation,
) -> None:
    application = on_agenda
    later = schedule_session(committee, days_ahead=60)
    move = reverse("workflows:application_move_session", args=[application.pk])
    close = reverse("workflows:application_close_unpaid", args=[application.pk])
    holder = application.holder.user
    for user, expected in ((holder, 403), (incubator_x_member, 403), (financier_member, 404)):
        assert _as(client, user).post(move, {"session": later.pk}).status_code == expected
        assert _as(client, user).post(close, {"reason": "x"}).status_code == expected
    application.refresh_from_db()
    assert application.committee_session != later
    assert _as(client, mel_staff).post(move, {"session": later.pk}).status_code == 302
    application.refresh_from_db()
    assert application.committee_session == later
    refused = _as(client, mel_staff).post(close, {"reason": "Abandon."}, follow=True)
    assert "Seul un dossier financé" in refused.content.decode()

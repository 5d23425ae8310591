"""Funding, convention, payments and follow-up (stages 9 to 11) through HTTP, as the real
personas: each financier decides and signs its own line, MEL staff record the convention
and order the payments, the holder sends the reports; nobody sees another's dossier."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.http import AuthenticatedRequest
from accounts.models import Organisation, OrganisationKind, User
from applicants.models import Commune
from funding.models import CallRuleVersion, Convention, FundingLine, LineState
from funding.pdf import committee_date
from funding.services.payments import report_submit
from funding.steps import ReportStep
from funding.views import award_context
from reviewers.models import CommitteeSession, Outcome
from reviewers.selectors import latest_deliberation
from tests.factories.accounts import make_organisation
from tests.workflows.application_helpers import app_task
from tests.workflows.stage_helpers import (
    add_member,
    deliberate,
    eligible_application,
    hold_session,
    instruct,
    open_task_of,
    perform,
    schedule_session,
    set_grant_financier,
)
from workflows.application.flows import ApplicationFlow
from workflows.application.selectors import application_queryset
from workflows.engine import OPEN_STATUSES
from workflows.models import Application, ApplicationStatus, FinancingLine
from workflows.steps import is_step

pytestmark = pytest.mark.django_db

NOTE = "Projet solide, porté par une équipe expérimentée ; budget réaliste."
IBAN = "FR7630006000011234567890189"
NNBSP = "\u202f"  # thousands separator of the amounts shown


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _deliberate(
    application: Application,
    staff: User,
    amount: int,
    *,
    outcome: str = Outcome.FAVOURABLE,
    conditions: str = "",
) -> None:
    instruct(application, staff)
    hold_session(application)
    deliberate(application, staff, outcome, amount=Decimal(amount), conditions=conditions)


def _line_url(line: FundingLine) -> str:
    return reverse("workflows:task", args=[open_task_of(line).pk])


def _step_url(application: Application, node: str) -> str:
    return reverse("workflows:task", args=[app_task(application, node).pk])


def _decide(client: Client, user: User, line: FundingLine, data: dict[str, str]) -> Any:
    client.force_login(user)
    return client.post(_line_url(line), data)


def _granted(
    client: Client, application: Application, staff: User, member: User, amount: int = 9000
) -> Application:
    """The committee proposes ``amount`` and the financier grants it through its page."""
    _deliberate(application, staff, amount)
    line = FundingLine.objects.get(dossier=application)
    response = _decide(client, member, line, {"decision": "grant", "amount": str(amount)})
    assert response.status_code == 302, _text(response)[:3000]
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CONVENTION
    return application


def _post_step(client: Client, user: User, application: Application, node: str, data: Any) -> Any:
    client.force_login(user)
    return client.post(_step_url(application, node), data)


def _advanced(client: Client, application: Application, staff: User, member: User) -> Application:
    """Granted, notified (no convention under the threshold), advance paid."""
    _granted(client, application, staff, member)
    assert _post_step(client, staff, application, "convention", {"waived": "on"}).status_code == 302
    structure = application.project.structure
    structure.iban = IBAN
    structure.save()
    assert (
        _post_step(client, staff, application, "advance", {"action": "release"}).status_code == 302
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FOLLOW_UP
    return application


def _fire_timers(application: Application) -> int:
    Task.objects.filter(process_id=application.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    return fire_due_timers()


def _all_reports_sent(application: Application) -> None:
    holder = application.holder.user
    values = {"jobs_created_fte": Decimal(2), "still_active": True, "beneficiaries": 40}
    for _report in range(application.reports.count()):
        assert _fire_timers(application) >= 1
        perform(
            application,
            "report",
            holder,
            lambda p: report_submit(application=p, actor=holder, values=values),
        )


# Funding lines ---------------------------------------------------------------------------------


def test_the_financier_decides_on_its_page_with_an_amount_typed_the_french_way(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    _deliberate(on_agenda, mel_staff, 12000)
    line = FundingLine.objects.get(dossier=on_agenda)
    client.force_login(financier_member)
    page = _text(client.get(_line_url(line)))
    assert on_agenda.project.title in page
    assert "Avis favorable" in page
    assert f"12{NNBSP}000,00" in page  # proposed amount, French format
    assert "Couverture du plan de financement" in page
    assert "doit être contresigné par un·e second·e membre" in page

    response = _decide(
        client, financier_member, line, {"decision": "grant", "amount": "11 500,50", "reason": ""}
    )

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.state, line.decided_amount) == (LineState.GRANTED, Decimal("11500.50"))
    assert line.first_signer == financier_member
    on_agenda.refresh_from_db()
    assert on_agenda.stage == ApplicationStatus.CONVENTION


def test_the_decide_page_shows_the_proposed_amount_the_french_way_and_takes_it_back(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    _deliberate(on_agenda, mel_staff, 12000)
    line = FundingLine.objects.get(dossier=on_agenda)
    client.force_login(financier_member)
    page = _text(client.get(_line_url(line)))
    field = re.search(r'<input[^>]*name="amount"[^>]*>', page)
    assert field is not None
    value = re.search(r'value="([^"]*)"', field.group(0))
    assert value is not None
    assert value.group(1) == f"12{NNBSP}000,00"

    response = _decide(client, financier_member, line, {"decision": "grant", "amount": value[1]})

    assert response.status_code == 302, _text(response)[:3000]
    line.refresh_from_db()
    assert line.decided_amount == Decimal("12000.00")


def test_a_decline_without_a_reason_shows_the_french_error_and_keeps_what_was_typed(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    _deliberate(on_agenda, mel_staff, 12000)
    line = FundingLine.objects.get(dossier=on_agenda)

    response = _decide(
        client, financier_member, line, {"decision": "decline", "amount": "8 000", "reason": " "}
    )

    assert response.status_code == 200
    page = _text(response)
    assert "Motivez le refus de financement." in page
    assert 'value="8 000"' in page
    assert re.search(r'value="decline"[^>]*checked', page)
    line.refresh_from_db()
    assert line.state == LineState.PENDING
    assert open_task_of(line).status == STATUS.NEW  # nothing taken, nothing completed


def test_another_financier_gets_404_on_the_line_and_never_sees_it_in_its_inbox(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    _deliberate(on_agenda, mel_staff, 12000)
    line = FundingLine.objects.get(dossier=on_agenda)
    other = make_organisation("Banque solidaire G", OrganisationKind.FINANCIER)
    banker = add_member(other, "analyste@banque-g.example.org")
    url = _line_url(line)

    client.force_login(banker)
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "decline", "reason": "Non."}).status_code == 404
    assert url not in _text(client.get(reverse("workflows:inbox")))

    client.force_login(financier_member)
    assert url in _text(client.get(reverse("workflows:inbox")))
    line.refresh_from_db()
    assert line.state == LineState.PENDING


def test_a_big_grant_needs_a_colleague_the_first_signer_is_refused_with_a_clear_message(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    financier_f: Organisation,
    financier_member: User,
    settings: Any,
) -> None:
    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 10000
    colleague = add_member(financier_f, "directrice@financeur-f.example.org")
    _deliberate(on_agenda, mel_staff, 12000)
    line = FundingLine.objects.get(dossier=on_agenda)

    response = _decide(client, financier_member, line, {"decision": "grant", "amount": "12 000"})
    assert response.status_code == 302
    assert "collègue de votre organisation doit contresigner" in _messages(response)
    line.refresh_from_db()
    assert line.state == LineState.AWAITING_SECOND

    countersign = _line_url(line)
    page = _text(client.get(countersign))
    assert "la seconde signature revient à un·e collègue" in page
    refused = client.post(countersign, {"decision": "confirm"})
    assert refused.status_code == 200
    assert "Vous avez signé la décision : la seconde signature revient à un·e collègue." in _text(
        refused
    )
    line.refresh_from_db()
    assert line.state == LineState.AWAITING_SECOND
    assert open_task_of(line).owner is None  # the refused attempt took nothing

    client.force_login(colleague)
    assert "Je confirme la décision" in _text(client.get(countersign))
    assert client.post(countersign, {"decision": "confirm"}).status_code == 302
    line.refresh_from_db()
    assert (line.state, line.second_signer) == (LineState.GRANTED, colleague)
    on_agenda.refresh_from_db()
    assert on_agenda.stage == ApplicationStatus.CONVENTION


def test_a_colleague_sends_the_decision_back_with_a_reason_and_it_is_decided_again(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    financier_f: Organisation,
    financier_member: User,
    settings: Any,
) -> None:
    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 10000
    colleague = add_member(financier_f, "directrice@financeur-f.example.org")
    _deliberate(on_agenda, mel_staff, 12000)
    line = FundingLine.objects.get(dossier=on_agenda)
    _decide(client, financier_member, line, {"decision": "grant", "amount": "12000"})
    countersign = _line_url(line)
    client.force_login(colleague)

    no_reason = client.post(countersign, {"decision": "back", "reason": ""})
    assert "Expliquez pourquoi la décision est renvoyée." in _text(no_reason)
    sent_back = client.post(countersign, {"decision": "back", "reason": "Montant à revoir."})

    assert sent_back.status_code == 302
    line.refresh_from_db()
    assert (line.state, line.decided_amount) == (LineState.PENDING, None)
    page = _text(client.get(_line_url(line)))  # the decide step again
    assert "Renvoyée pour réexamen" in page
    assert "Montant à revoir." in page


def test_staff_see_the_gap_after_one_financier_declines_the_holder_does_not(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    bank = make_organisation("Banque solidaire G", OrganisationKind.FINANCIER)
    banker = add_member(bank, "analyste@banque-g.example.org")
    FinancingLine.objects.create(
        application=on_agenda,
        financier_name=bank.name,
        organisation=bank,
        instrument="PRET_SOLIDAIRE",
        amount=Decimal(15000),
    )
    _deliberate(on_agenda, mel_staff, 12000)
    loan = FundingLine.objects.get(dossier=on_agenda, organisation=bank)

    response = _decide(
        client, banker, loan, {"decision": "decline", "reason": "Risque trop élevé."}
    )
    assert response.status_code == 302

    detail = reverse("workflows:application_detail", args=[on_agenda.pk])
    client.force_login(mel_staff)
    page = _text(client.get(detail))
    assert f"Il manque 15{NNBSP}000,00" in page
    assert "Refusé : Risque trop élevé." in page
    client.force_login(on_agenda.holder.user)
    page = _text(client.get(detail))
    assert "Banque solidaire G" in page
    assert "Il manque" not in page


# Convention and payments ------------------------------------------------------------------------


def test_a_convention_above_the_threshold_cannot_be_waived(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    CallRuleVersion.objects.filter(pk=on_agenda.rule_version_id).update(
        convention_threshold=Decimal(5000)
    )
    application = _granted(client, on_agenda, mel_staff, financier_member)
    client.force_login(mel_staff)
    page = _text(client.get(_step_url(application, "convention")))
    assert "Obligatoire" in page
    assert f"5{NNBSP}000,00" in page

    refused = _post_step(client, mel_staff, application, "convention", {"waived": "on"})

    assert refused.status_code == 200
    assert "la convention est obligatoire" in _text(refused)
    assert not Convention.objects.filter(application=application).exists()

    today = timezone.localdate().strftime("%d/%m/%Y")
    bad = _post_step(
        client, mel_staff, application, "convention", {"holder_signed_on": "31/02/2025"}
    )
    assert "Saisissez une date au format jj/mm/aaaa" in _text(bad)
    assert 'value="31/02/2025"' in _text(bad)
    signed = _post_step(
        client,
        mel_staff,
        application,
        "convention",
        {"holder_signed_on": today, "mel_signed_on": today},
    )
    assert signed.status_code == 302
    convention = Convention.objects.get(application=application)
    assert convention.required
    assert convention.is_signed
    assert convention.mel_signed_on == timezone.localdate()
    assert application.tranches.count() == 2


def test_the_advance_is_blocked_without_an_iban_and_paid_once_it_is_known(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    application = _granted(client, on_agenda, mel_staff, financier_member)
    assert (
        _post_step(client, mel_staff, application, "convention", {"waived": "on"}).status_code
        == 302
    )
    url = _step_url(application, "advance")

    client.force_login(mel_staff)
    page = _text(client.get(url))
    assert "Les coordonnées bancaires (IBAN) de la structure manquent." in page
    assert "disabled" in page
    refused = client.post(url, {"action": "release"})
    assert refused.status_code == 200
    assert "Versement bloqué (Avance)" in _text(refused)
    assert application.tranches.get(position=1).released_at is None

    structure = application.project.structure
    structure.iban = IBAN
    structure.save()
    assert "disabled" not in _text(client.get(url)).split("Versement de l'avance</h2>")[1]
    assert client.post(url, {"action": "release"}).status_code == 302
    assert application.tranches.get(position=1).released_at is not None
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FOLLOW_UP


def test_the_committees_conditions_are_lifted_without_completing_the_advance(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    _deliberate(
        on_agenda,
        mel_staff,
        9000,
        outcome=Outcome.WITH_CONDITIONS,
        conditions="Fournir le bail du local.",
    )
    line = FundingLine.objects.get(dossier=on_agenda)
    assert (
        _decide(client, financier_member, line, {"decision": "grant", "amount": "9000"}).status_code
        == 302
    )
    structure = on_agenda.project.structure
    structure.iban = IBAN
    structure.save()
    assert (
        _post_step(client, mel_staff, on_agenda, "convention", {"waived": "on"}).status_code == 302
    )
    advance_url = _step_url(on_agenda, "advance")
    lift_url = reverse("workflows:application_conditions_met", args=[on_agenda.pk])
    client.force_login(mel_staff)
    page = _text(client.get(advance_url))
    assert "Les conditions posées par le comité ne sont pas encore levées." in page
    assert lift_url in page

    client.force_login(on_agenda.holder.user)
    assert client.post(lift_url, {"note": "C'est fait."}).status_code == 403
    client.force_login(mel_staff)
    response = client.post(lift_url, {"note": "Bail reçu le 3 mars."})

    assert response.status_code == 302
    assert response["Location"] == advance_url
    on_agenda.refresh_from_db()
    assert on_agenda.conditions_met_at is not None
    assert app_task(on_agenda, "advance").status == STATUS.NEW  # the step stays open
    assert lift_url not in _text(client.get(advance_url))
    again = client.post(lift_url, {"note": "Encore."})
    assert "pas de condition du comité à lever" in _messages(again)
    assert client.post(advance_url, {"action": "release"}).status_code == 302


def test_an_older_commercial_company_waiting_for_esus_keeps_its_balance_blocked(
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
    application = eligible_application(
        client, roubaix, mel_staff, incubator_x, incubator_x_member, legal_form="company_esus"
    )
    # Older than the rule's limit when the committee decides, the agrément only requested:
    # the balance will wait for it (judged at the decision, when the tranches are planned).
    structure = application.project.structure
    assert structure.legal_form.is_commercial_company
    structure.creation_date = timezone.localdate() - datetime.timedelta(days=365 * 5)
    structure.esus_status, structure.esus_date = "requested", timezone.localdate()
    structure.save()
    application = _advanced(client, application, mel_staff, financier_member)
    _all_reports_sent(application)
    url = _step_url(application, "balance")

    client.force_login(mel_staff)
    page = _text(client.get(url))
    assert "L'agrément ESUS n'est pas encore obtenu" in page
    assert "Versement bloqué (Solde)" in page
    refused = client.post(url, {"action": "release"})
    assert refused.status_code == 200
    assert "ESUS" in _text(refused)
    assert application.tranches.get(position=2).released_at is None
    no_note = client.post(url, {"action": "close", "note": ""})
    assert "expliquez pourquoi le dossier est clôturé sans lui" in _text(no_note)

    closed = client.post(url, {"action": "close", "note": "Agrément ESUS refusé par l'État."})
    assert closed.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED
    assert application.tranches.get(position=2).released_at is None


def test_the_balance_is_paid_then_the_dossier_closed_in_one_step(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    application = _advanced(client, on_agenda, mel_staff, financier_member)
    _all_reports_sent(application)

    response = _post_step(client, mel_staff, application, "balance", {"action": "release"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED
    assert application.status == STATUS.DONE
    assert application.tranches.get(position=2).released_at is not None


# Follow-up reports ------------------------------------------------------------------------------


def test_the_holder_sends_a_report_a_half_filled_form_keeps_what_was_typed(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    application = _advanced(client, on_agenda, mel_staff, financier_member)
    assert _fire_timers(application) >= 1  # the first report opens
    url = _step_url(application, "report")
    client.force_login(mel_staff)
    assert client.get(url).status_code == 403
    holder = application.holder.user
    client.force_login(holder)
    page = _text(client.get(url))
    report = application.reports.order_by("due_on").first()
    assert report is not None
    assert report.due_on.strftime("%d/%m/%Y") in page
    assert "en retard" not in page

    half = client.post(url, {"jobs_created_fte": "deux", "beneficiaries": "40"})
    assert half.status_code == 200
    page = _text(half)
    assert "Saisissez un nombre" in page
    assert "Indiquez si l'activité continue." in page
    assert 'value="deux"' in page
    assert 'value="40"' in page

    sent = client.post(
        url,
        {
            "jobs_created_fte": "1,5",
            "jobs_kept_fte": "2",
            "qpv_residents_hired": "1",
            "turnover": "45 000",
            "beneficiaries": "40",
            "still_active": "yes",
            "comment": "Une deuxième salariée en insertion.",
        },
    )
    assert sent.status_code == 302
    report.refresh_from_db()
    assert report.submitted_by == holder
    assert (report.jobs_created_fte, report.turnover) == (Decimal("1.5"), Decimal(45000))
    assert report.still_active is True
    detail = _text(client.get(reverse("workflows:application_detail", args=[application.pk])))
    assert "Une deuxième salariée en insertion." in detail


REPORT = {
    "jobs_created_fte": "1,5",
    "jobs_kept_fte": "2",
    "qpv_residents_hired": "1",
    "turnover": "45 000",
    "beneficiaries": "40",
    "still_active": "yes",
    "comment": "Envoyé le dernier jour, juste avant minuit.",
}


def _report_tasks(application: Application, *statuses: Any) -> list[str]:
    tasks = Task.objects.filter(
        process_id=application.pk, flow_task_type="HUMAN", status__in=statuses
    )
    return [t.flow_task.name for t in tasks if is_step(t, ReportStep)]


def test_a_report_typed_on_the_last_day_is_sent_after_the_due_date_passed(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    application = _advanced(client, on_agenda, mel_staff, financier_member)
    assert _fire_timers(application) >= 1  # the first report opens
    url = _step_url(application, "report")
    holder = application.holder.user
    client.force_login(holder)
    assert client.get(url).status_code == 200
    report = application.reports.order_by("due_on").first()
    assert report is not None
    assert _fire_timers(application) >= 1  # midnight passes while they type: reminder
    assert _report_tasks(application, *OPEN_STATUSES) == ["report_late"]

    sent = client.post(url, REPORT)

    assert sent.status_code == 302
    said = _messages(sent)
    assert "Votre rapport est envoyé" in said
    assert "déjà" not in said
    report.refresh_from_db()
    assert report.submitted_by == holder
    assert report.turnover == Decimal(45000)
    assert report.comment == REPORT["comment"]
    assert _report_tasks(application, *OPEN_STATUSES) == []
    assert _report_tasks(application, STATUS.DONE) == ["report_late"]
    application.refresh_from_db()
    next_report = Task.objects.filter(
        process_id=application.pk, status=STATUS.SCHEDULED, flow_task=ApplicationFlow.next_report
    )
    assert next_report.exists()  # the follow-up moves on to the next report

    again = client.post(url, REPORT)  # the same page sent a second time

    assert again.status_code == 302
    said = _messages(again)
    assert "Aucun rapport n'est attendu pour le moment : rien n'a été enregistré." in said
    assert "déjà été envoyé" not in said
    assert application.reports.filter(submitted_at__isnull=False).count() == 1


def test_a_report_sent_as_the_due_date_passes_lands_on_the_step_open_now(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    """The timer fires between the page's check and the lock: the report still goes."""
    application = _advanced(client, on_agenda, mel_staff, financier_member)
    assert _fire_timers(application) >= 1
    stale = app_task(application, "report")  # checked open by the page...
    assert _fire_timers(application) >= 1  # ...then the due date passes
    holder = application.holder.user
    request = RequestFactory().post("/")
    request.user = holder
    values = {"jobs_created_fte": Decimal(2), "still_active": True, "beneficiaries": 40}

    step = ReportStep()
    step.request, step.task, step.process = cast(AuthenticatedRequest, request), stale, application
    form = SimpleNamespace(cleaned_data=values)

    report = step.perform_task(cast(Any, form))

    assert report.submitted_by == holder
    assert _report_tasks(application, STATUS.DONE) == ["report_late"]


def test_a_late_report_shows_a_visible_notice(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    application = _advanced(client, on_agenda, mel_staff, financier_member)
    assert _fire_timers(application) >= 1  # opens
    assert _fire_timers(application) >= 1  # due date passes: reminder
    client.force_login(application.holder.user)

    page = _text(client.get(_step_url(application, "report_late")))

    assert "Ce rapport est en retard" in page


# Access and documents ---------------------------------------------------------------------------


def test_applicant_b_gets_404_on_everything_of_applicant_a(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    financier_member: User,
    applicant_b: User,
) -> None:
    application = _advanced(client, on_agenda, mel_staff, financier_member)
    assert _fire_timers(application) >= 1
    line = FundingLine.objects.get(dossier=application)
    line_task = Task.objects.filter(process_id=line.pk, flow_task_type="HUMAN").first()
    assert line_task is not None
    client.force_login(applicant_b)

    for url in (
        reverse("workflows:application_detail", args=[application.pk]),
        reverse("workflows:convention_pdf", args=[application.pk]),
        reverse("workflows:task", args=[line_task.pk]),
        _step_url(application, "report"),
    ):
        assert client.get(url).status_code == 404, url
    lift = reverse("workflows:application_conditions_met", args=[application.pk])
    assert client.post(lift, {"note": "x"}).status_code == 404
    assert client.post(_step_url(application, "report"), {"still_active": "yes"}).status_code == 404


def test_the_convention_pdf_for_staff_and_holder_only_once_the_grant_is_decided(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    financier_member: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = reverse("workflows:convention_pdf", args=[on_agenda.pk])
    holder = on_agenda.holder.user
    client.force_login(holder)
    assert client.get(url).status_code == 404
    project = on_agenda.project
    project.title = "Cantine <b>& Cie</b> <unclosed"
    project.save()
    _granted(client, on_agenda, mel_staff, financier_member)
    # The committee met at 00:30 on 15 March in Lille (23:30 UTC the day before).
    met = datetime.datetime(2024, 3, 14, 23, 30, tzinfo=datetime.UTC)
    CommitteeSession.objects.filter(pk=on_agenda.committee_session_id).update(starts_at=met)
    monkeypatch.setattr("reportlab.rl_config.pageCompression", 0)  # words readable

    client.force_login(holder)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]  # the convention is never cached
    assert response.content.startswith(b"%PDF")
    assert b"du 15/03/2024." in response.content
    deliberation = latest_deliberation(application=on_agenda)
    assert deliberation is not None
    assert committee_date(deliberation) == "15/03/2024"
    client.force_login(mel_staff)
    assert client.get(url).content.startswith(b"%PDF")
    client.force_login(financier_member)
    assert client.get(url).status_code == 403


def test_the_dossier_section_costs_a_constant_number_of_queries(
    client: Client,
    on_agenda: Application,
    mel_staff: User,
    financier_member: User,
    django_assert_max_num_queries: Any,
) -> None:
    application = _advanced(client, on_agenda, mel_staff, financier_member)
    _all_reports_sent(application)
    loaded = application_queryset().get(pk=application.pk)
    staff = User.objects.get(pk=mel_staff.pk)

    with django_assert_max_num_queries(10):
        context = award_context(application=loaded, user=staff)

    award = context["award"]
    assert len(award["reports"]) == 3
    assert len(award["tranches"]) == 2
    assert award["coverage"].is_covered

"""The application (stages 5 to 7) through HTTP, as the real personas: filling in with
drafts, submission, completeness and complements, eligibility and the refusal letter."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, User
from applicants.models import Commune
from funding.models import CallRuleVersion
from tests.workflows.application_helpers import (
    app_task,
    full_data,
    make_waiting_applications,
    open_application,
    post_form,
    ready_journey,
    staff_step,
    submitted_application,
)
from tests.workflows.conftest import make_timers_due
from workflows.application.checks import application_eligibility_checks
from workflows.application.flows import ApplicationFlow
from workflows.engine import TaskNotOpen, task_perform
from workflows.models import Application, ApplicationEdit, ApplicationStatus

pytestmark = pytest.mark.django_db


def _messages(response: object) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))  # type: ignore[attr-defined]


def _complements_overdue(
    client: Client, commune: Commune, staff: User, incubator: Organisation, member: User
) -> Application:
    """A filed application whose requested complements were not sent in time (reminded)."""
    application = submitted_application(client, commune, staff, incubator, member)
    staff_step(
        client,
        staff,
        application,
        "completeness",
        {"decision": "complements", "items": ["social_utility"], "message": "Développez."},
    )
    make_timers_due(application)
    return application


def test_happy_path_to_eligible(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    applicant = journey.holder.user
    assert application.stage == ApplicationStatus.DRAFT
    assert (
        client.get(reverse("workflows:application_edit", args=[application.pk])).status_code == 200
    )

    response = post_form(client, applicant, application, {"social_utility": "Brouillon."}, "save")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.social_utility == "Brouillon."
    assert app_task(application, "fill").status in (STATUS.NEW, STATUS.ASSIGNED)

    response = post_form(client, applicant, application, full_data(application), "submit")
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED, _messages(response)
    assert application.rule_version is not None
    assert application.rule_version.label == "Règlement 2024"
    assert application.submitted_at is not None

    client.force_login(mel_staff)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert "Cantine solidaire" in inbox
    task = app_task(application, "completeness")
    assert reverse("workflows:task", args=[task.pk]) in inbox
    assert client.get(reverse("workflows:task", args=[task.pk])).status_code == 200
    assert (
        staff_step(
            client, mel_staff, application, "completeness", {"decision": "complete"}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.COMPLETE

    page = client.get(reverse("workflows:task", args=[app_task(application, "eligibility").pk]))
    assert "Forme juridique éligible" in page.content.decode()
    assert (
        staff_step(
            client, mel_staff, application, "eligibility", {"decision": "eligible"}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    # Eligible: placed straight away (no session scheduled here) and waiting for the
    # instruction note, the process still running.
    assert application.stage == ApplicationStatus.ON_AGENDA
    assert application.committee_session is None
    assert application.status == PROCESS.NEW
    assert (
        application.eligibility_checks.filter(passed=True).count()
        == application.eligibility_checks.count()
        > 0
    )
    assert app_task(application, "instruction").status == STATUS.NEW


def test_submission_is_refused_with_what_is_missing_and_the_draft_is_kept(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    applicant = journey.holder.user
    data = full_data(application, social_utility="")
    del data["piece_statuts"]
    response = post_form(client, applicant, application, data, "submit")
    text = _messages(response)
    page = response.content.decode()
    assert "brouillon est enregistré" in text
    assert 'href="#id_social_utility">Il manque l&#x27;utilité sociale du projet.' in page
    # The missing document links to its own file input, on the same page.
    assert 'href="#id_piece_statuts">Il manque la pièce « Statuts' in page
    assert 'id="id_piece_statuts"' in page
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.DRAFT
    assert application.requested_amount == 12000
    assert app_task(application, "fill").status in (STATUS.NEW, STATUS.ASSIGNED)

    over = full_data(application, requested_amount="35000", charges_total="200000")
    over["produits_total"] = "200000"
    text = post_form(client, applicant, application, over, "submit").content.decode()
    assert "dépasse le plafond de 30\u202f000,00\xa0€ du règlement 2024" in text
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.DRAFT

    unbalanced = full_data(application, produits_total="50000")
    assert "n&#x27;est pas équilibré" in (
        post_form(client, applicant, application, unbalanced, "submit").content.decode()
    )


def test_the_2021_2023_rules_cap_the_amount_at_20000(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    # The 2021-2023 rules are in force today: the 2024 version starts later.
    CallRuleVersion.objects.filter(label="Règlement 2024").update(
        valid_from=datetime.date(2099, 1, 1)
    )
    CallRuleVersion.objects.filter(label="Règlement 2021-2023").update(valid_until=None)
    application = open_application(client, journey)
    data = full_data(application, requested_amount="25000", charges_total="100000")
    data["produits_total"] = "100000"
    text = post_form(client, journey.holder.user, application, data, "submit").content.decode()
    assert "dépasse le plafond de 20\u202f000,00\xa0€ du règlement 2021-2023" in text
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.DRAFT


def test_an_advisor_fills_in_only_under_a_mandate_and_each_edit_is_attributed(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    applicant = journey.holder.user
    edit_url = reverse("workflows:application_edit", args=[application.pk])
    client.force_login(incubator_x_member)
    assert (
        client.get(reverse("workflows:application_detail", args=[application.pk])).status_code
        == 200
    )
    assert client.get(edit_url).status_code == 403
    assert (
        post_form(
            client, incubator_x_member, application, {"social_utility": "X"}, "save"
        ).status_code
        == 403
    )

    client.force_login(applicant)
    client.post(
        reverse("workflows:application_mandate", args=[application.pk]), {"action": "grant"}
    )
    assert application.mandates.filter(revoked_at__isnull=True).count() == 1

    response = post_form(
        client,
        incubator_x_member,
        application,
        {"social_utility": "Rédigé par l'incubateur."},
        "save",
    )
    assert response.status_code == 302
    post_form(client, applicant, application, {"social_utility": "Relu par la porteuse."}, "save")
    edits = list(
        ApplicationEdit.objects.filter(application=application, field="social_utility").order_by(
            "pk"
        )
    )
    assert [(e.editor_id, e.mandate_id is not None) for e in edits] == [
        (incubator_x_member.pk, True),
        (applicant.pk, False),
    ]
    # The advisor cannot submit: only the holder can.
    post_form(client, incubator_x_member, application, full_data(application), "submit")
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.DRAFT

    client.force_login(applicant)
    client.post(
        reverse("workflows:application_mandate", args=[application.pk]), {"action": "revoke"}
    )
    assert (
        post_form(
            client, incubator_x_member, application, {"social_utility": "Y"}, "save"
        ).status_code
        == 403
    )


def test_incomplete_then_complements_then_complete(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    response = staff_step(
        client, mel_staff, application, "completeness", {"decision": "complements"}
    )
    assert response.status_code == 200
    assert "Cochez les éléments à compléter." in response.content.decode()
    response = staff_step(
        client,
        mel_staff,
        application,
        "completeness",
        {
            "decision": "complements",
            "items": ["jobs_planned_fte"],
            "message": "Précisez les emplois.",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.INCOMPLETE
    request = application.complement_requests.get()
    assert request.deadline == timezone.localdate() + datetime.timedelta(days=30)

    applicant = application.holder.user
    data = full_data(application, jobs_planned_fte="3.5", social_utility="Changé en douce.")
    response = post_form(client, applicant, application, data, "submit")
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED, _messages(response)
    assert str(application.jobs_planned_fte) == "3.50"
    assert application.social_utility != "Changé en douce."  # only requested items are editable
    request.refresh_from_db()
    assert request.answered_at is not None

    staff_step(client, mel_staff, application, "completeness", {"decision": "complete"})
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.COMPLETE
    assert app_task(application, "eligibility")


def test_a_complement_on_one_budget_total_opens_both_so_the_budget_can_balance(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    staff_step(
        client,
        mel_staff,
        application,
        "completeness",
        {"decision": "complements", "items": ["charges_total"], "message": "Budget à revoir."},
    )
    data = full_data(application, charges_total="70000", produits_total="70000")
    response = post_form(client, application.holder.user, application, data, "submit")
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED, _messages(response)
    assert application.budget_lines.filter(kind="produit").get().amount == 70000


def test_complements_not_received_reminder_then_closed_without_follow_up(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = _complements_overdue(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application.refresh_from_db()
    assert application.events.filter(message__startswith="Relance").exists()
    assert app_task(application, "complements_grace")
    assert application.complement_requests.get().reminded_at is not None

    make_timers_due(application)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED_NO_FOLLOW_UP
    assert application.status == PROCESS.DONE
    assert "classée sans suite" in application.closed_notice
    client.force_login(application.holder.user)
    page = client.get(reverse("workflows:application_detail", args=[application.pk]))
    assert "classée sans suite" in page.content.decode()


def test_ineligible_gives_a_motivated_pdf_letter_that_only_its_readers_get(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    applicant_b: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    staff_step(client, mel_staff, application, "completeness", {"decision": "complete"})
    response = staff_step(client, mel_staff, application, "eligibility", {"decision": "ineligible"})
    assert "Motivez le refus" in response.content.decode()
    staff_step(
        client,
        mel_staff,
        application,
        "eligibility",
        {"decision": "ineligible", "reasons": "Activité hors du champ de l'ESS."},
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.INELIGIBLE
    assert application.status == PROCESS.DONE
    url = reverse("workflows:application_letter", args=[application.pk])
    client.force_login(application.holder.user)
    letter = client.get(url)
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert letter["Content-Disposition"].startswith("attachment;")
    assert letter.content.startswith(b"%PDF")
    client.force_login(applicant_b)
    assert client.get(url).status_code == 404


def test_a_second_submission_never_completes_twice(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    response = post_form(
        client, application.holder.user, application, full_data(application), "submit"
    )
    assert "déjà été déposée" in _messages(response)
    fill = Task.objects.get(process_id=application.pk, flow_task=ApplicationFlow.fill)
    with pytest.raises(TaskNotOpen):
        task_perform(task=fill, user=application.holder.user, perform=lambda process: None)
    assert Task.objects.filter(process_id=application.pk, flow_task_type="HUMAN").count() == 2
    assert Application.objects.filter(pk=application.pk, stage="submitted").exists()


def test_others_cannot_see_the_application(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    incubator_y_member: User,
    committee_member: User,
    applicant_b: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    task = app_task(application, "completeness")
    urls = [
        reverse("workflows:application_detail", args=[application.pk]),
        reverse("workflows:application_edit", args=[application.pk]),
        reverse("workflows:task", args=[task.pk]),
        reverse("workflows:application_chart", args=[application.pk]),
    ]
    for user in (applicant_b, incubator_y_member, committee_member):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(incubator_x_member)
    assert client.get(urls[2]).status_code == 403
    client.force_login(application.holder.user)
    assert client.get(urls[2]).status_code == 403
    assert client.get(urls[3]).status_code == 404  # the diagram is MEL staff's tool
    client.force_login(mel_staff)
    chart = client.get(urls[3])
    assert chart.status_code == 200
    assert b"<svg" in chart.content
    assert b">oui</text>" in chart.content  # gateway captions in French
    assert b">yes</text>" not in chart.content


def test_the_applicant_can_withdraw_before_a_decision(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    client.force_login(application.holder.user)
    client.post(
        reverse("workflows:application_withdraw", args=[application.pk]), {"reason": "Autre piste."}
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.WITHDRAWN
    assert application.status == PROCESS.CANCELED
    assert not Task.objects.filter(
        process_id=application.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).exists()


def test_only_the_holder_opens_one_application_from_a_ready_journey(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    journey_url = reverse("workflows:journey_detail", args=[journey.pk])
    client.force_login(incubator_x_member)
    assert "Ouvrir ma candidature" not in client.get(journey_url).content.decode()
    assert client.post(reverse("workflows:application_open", args=[journey.pk])).status_code == 403
    client.force_login(journey.holder.user)
    assert "Ouvrir ma candidature" in client.get(journey_url).content.decode()
    open_application(client, journey)
    assert "Voir la candidature" in client.get(journey_url).content.decode()
    response = client.post(reverse("workflows:application_open", args=[journey.pk]))
    assert "déjà ouverte" in _messages(response)
    assert Application.objects.filter(source_journey=journey).count() == 1
    client.force_login(mel_staff)
    for name in ("candidature", "notation", "ligne-de-financement"):
        bpmn = client.get(reverse("workflows:flow_bpmn", args=[name]))
        assert bpmn.status_code == 200
        assert b"<bpmn:process" in bpmn.content
    assert b'name="oui"' in client.get(reverse("workflows:flow_bpmn", args=["candidature"])).content


def test_a_failed_rule_is_shown_and_forbids_declaring_the_dossier_eligible(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(
        client, roubaix, mel_staff, incubator_x, incubator_x_member, legal_form="company"
    )
    staff_step(client, mel_staff, application, "completeness", {"decision": "complete"})
    client.force_login(mel_staff)
    page = client.get(
        reverse("workflows:task", args=[app_task(application, "eligibility").pk])
    ).content.decode()
    assert "Non respectée" in page
    assert "non éligible (Règlement 2024)" in page
    response = staff_step(client, mel_staff, application, "eligibility", {"decision": "eligible"})
    assert "ne peut pas être déclaré éligible" in response.content.decode()
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.COMPLETE
    assert app_task(application, "eligibility")


def test_co_financing_lines_are_added_and_attributed(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    url = reverse("workflows:application_financing_add", args=[application.pk])
    line = {"financier_name": "France Active", "instrument": "PRET_HONNEUR", "amount": "8000"}
    client.post(url, {**line, "status": "sought"})
    assert application.financing_lines.get().get_instrument_display() == "Prêt d'honneur"
    assert application.edits.get(field="financing_lines").editor == journey.holder.user
    client.force_login(incubator_x_member)
    assert client.post(url, {**line, "status": "obtained"}).status_code == 403
    assert application.financing_lines.count() == 1


def test_a_partner_financier_is_chosen_from_the_list_and_an_unnamed_line_is_refused(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    financier_f: Organisation,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    url = reverse("workflows:application_financing_add", args=[application.pk])
    line = {"instrument": "PRET_SOLIDAIRE", "amount": "15 000", "status": "sought"}
    response = client.post(url, {**line, "amount": "15 000 €"})
    assert response.status_code == 200  # the page again, with what was typed
    page = response.content.decode()
    assert "Choisissez un financeur partenaire ou indiquez son nom." in page
    assert 'value="15 000 €"' in page
    assert not application.financing_lines.exists()
    client.post(url, {**line, "organisation": financier_f.pk})
    added = application.financing_lines.get()
    assert (added.organisation, added.financier_name) == (financier_f, financier_f.name)
    assert str(added.amount) == "15000.00"


def test_the_inbox_with_application_steps_costs_the_same_for_3_and_60(
    client: Client, mel_staff: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    url = reverse("workflows:inbox")
    client.force_login(mel_staff)
    make_waiting_applications(3)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    waiting = Task.objects.filter(flow_task=ApplicationFlow.completeness, status=STATUS.NEW)
    assert waiting.count() == 3
    assert all(reverse("workflows:task", args=[t.pk]) in page for t in waiting)
    make_waiting_applications(57)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_eligibility_checks_follow_the_rule_version(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(
        client, roubaix, mel_staff, incubator_x, incubator_x_member, legal_form="company"
    )
    structure = application.project.structure
    assert structure is not None
    structure.creation_date = timezone.localdate() - datetime.timedelta(days=6 * 366)
    structure.esus_status = "none"
    structure.save()
    checks = {c.rule: c for c in application_eligibility_checks(application)}
    assert not checks["legal_form"].passed
    assert not checks["esus"].passed
    assert not checks["startup_age"].passed  # 6 years: over the 2024 start-up limit of 5
    assert checks["commune"].passed
    assert checks["amount"].passed
    structure.esus_status = "requested"
    structure.creation_date = timezone.localdate() - datetime.timedelta(days=2 * 366)
    structure.save()
    checks = {c.rule: c for c in application_eligibility_checks(application)}
    assert checks["esus"].passed
    assert checks["startup_age"].passed


def test_complements_sent_after_the_reminder_go_back_to_staff(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = _complements_overdue(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    assert app_task(application, "complements_grace")
    client.force_login(application.holder.user)
    page = client.get(reverse("workflows:application_edit", args=[application.pk])).content.decode()
    assert "Développez." in page
    data = full_data(application, social_utility="Une cantine qui crée 3 emplois d'insertion.")
    post_form(client, application.holder.user, application, data, "submit")
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED
    assert application.social_utility == "Une cantine qui crée 3 emplois d'insertion."
    assert app_task(application, "completeness")
    assert not Task.objects.filter(
        process_id=application.pk, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).exists()


# Review findings: stale copies, bounds, zero budget, who submits, closed mandates ---------


def test_a_draft_saved_from_a_stale_page_never_undoes_a_submission(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    from workflows.application.drafts import application_save_draft

    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    stale = Application.objects.get(pk=application.pk)
    stale.stage = ApplicationStatus.DRAFT  # what a page loaded before the submission holds
    with pytest.raises(ApplicationError):
        application_save_draft(
            application=stale,
            actor=application.holder.user,
            values={"social_utility": "Texte modifié"},
        )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED
    assert application.rule_version_id is not None
    assert app_task(application, "completeness").status == STATUS.NEW


def test_a_withdrawal_from_a_stale_page_cannot_overwrite_a_decision(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    from workflows.application.services import application_withdraw

    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    stale = Application.objects.get(pk=application.pk)
    staff_step(client, mel_staff, application, "completeness", {"decision": "complete"})
    staff_step(
        client,
        mel_staff,
        application,
        "eligibility",
        {"decision": "ineligible", "reasons": "Activité hors du champ de l'ESS."},
    )
    with pytest.raises(ApplicationError, match="décision"):
        application_withdraw(application=stale, actor=application.holder.user)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.INELIGIBLE


def test_numbers_too_large_are_explained_and_the_draft_text_is_kept(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    data = full_data(application, jobs_planned_fte="123456", social_utility="Texte précieux")
    response = post_form(client, journey.holder.user, application, data, "save")
    body = response.content.decode()
    assert response.status_code == 200
    assert "9 999 emplois" in body
    assert "Texte précieux" in body


def test_a_zero_budget_cannot_carry_a_grant(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    data = full_data(application, requested_amount="25000", charges_total="0", produits_total="0")
    post_form(client, journey.holder.user, application, data, "submit")
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.DRAFT


def test_an_advisor_under_mandate_is_told_only_the_holder_submits(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    from workflows.application.services import mandate_grant

    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    mandate_grant(application=application, actor=journey.holder.user)
    response = post_form(client, incubator_x_member, application, full_data(application), "submit")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Seul·e le ou la porteur·se" in t for t in texts)


def test_no_mandate_on_a_closed_application(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    from workflows.application.services import application_withdraw, mandate_grant

    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application_withdraw(application=application, actor=application.holder.user)
    application.refresh_from_db()
    with pytest.raises(ApplicationError, match="plus modifiable"):
        mandate_grant(application=application, actor=application.holder.user)


def test_amounts_typed_the_french_way_are_understood(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    data = {
        "requested_amount": "12 000",
        "charges_total": "60\u202f000,50 €",
        "produits_total": "60000.50",
        "jobs_planned_fte": "1,5",
    }
    response = post_form(client, journey.holder.user, application, data, "save")
    assert response.status_code == 302, response.content.decode()[:500]
    application.refresh_from_db()
    assert str(application.requested_amount) == "12000.00"
    assert str(application.jobs_planned_fte) == "1.50"
    values = {line.kind: line.amount for line in application.budget_lines.all()}
    assert {str(v) for v in values.values()} == {"60000.50"}
    response = post_form(
        client, journey.holder.user, application, {"requested_amount": "douze mille"}, "save"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "par exemple 12 000 ou 12000,50" in page
    assert 'value="douze mille"' in page  # what was typed is kept

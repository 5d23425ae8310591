"""After the committee: the financier decides its line and a colleague countersigns; the
holder gives the structure's bank details, MEL staff pay the advance; the holder sends a
follow-up report and MEL staff close the dossier."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.models import Organisation, User
from applicants.models import Commune
from funding.models import FundingLine, LineState
from funding.services.payments import report_submit
from tests.browser.pages import audit_page, field, login, logout, menu, press
from tests.factories.accounts import PASSWORD
from tests.workflows.application_helpers import staff_step
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
from workflows.models import Application, ApplicationStatus

TITLE = "Cantine solidaire"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def deliberated(
    roubaix: Commune,
    staff: User,
    incubator: Organisation,
    member: User,
    committee: Organisation,
    financier: Organisation,
) -> Application:
    schedule_session(committee)
    set_grant_financier(financier)
    application = eligible_application(Client(), roubaix, staff, incubator, member)
    instruct(application, staff)
    hold_session(application)
    deliberate(application, staff, "favourable", amount=Decimal(12000))
    return application


def fire_timers(application: Application) -> int:
    """The dossier's scheduled steps fall due now, fired as beat would."""
    Task.objects.filter(process_id=application.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    return fire_due_timers()


def treat(page: Any, *, staff: bool = False) -> None:
    """From the menu's task list, opens the dossier's task."""
    menu(page, "Mes tâches")
    audit_page(page, staff=staff)
    row = page.get_by_role("row").filter(has_text=TITLE)
    press(row.get_by_role("link", name="Traiter").first)
    audit_page(page, staff=staff)


def test_the_financier_grants_its_line_and_a_colleague_countersigns(
    page: Any,
    new_page: Any,
    settings: Any,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR = 10000
    colleague = add_member(financier_f, "directrice@financeur-f.example.org")
    application = deliberated(
        roubaix, mel_staff, incubator_x, incubator_x_member, committee, financier_f
    )

    login(page, financier_member)
    treat(page)
    page.get_by_role("radio", name="Accorder le financement").check()
    field(page, "Montant accordé (€)").fill("12 000")
    press(page.get_by_role("button", name="Signer"))
    audit_page(page)
    line = FundingLine.objects.get(dossier=application)
    assert line.state == LineState.AWAITING_SECOND

    second = new_page()
    login(second, colleague)
    treat(second)
    second.get_by_role("radio", name="Je confirme la décision").check()
    press(second.get_by_role("button", name="Signer"))
    audit_page(second)
    line.refresh_from_db()
    assert (line.state, line.second_signer) == (LineState.GRANTED, colleague)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CONVENTION


def test_bank_details_unblock_the_advance_then_a_report_and_the_closure(
    page: Any,
    new_page: Any,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    application = deliberated(
        roubaix, mel_staff, incubator_x, incubator_x_member, committee, financier_f
    )
    client = Client()
    client.force_login(financier_member)
    line = FundingLine.objects.get(dossier=application)
    client.post(f"/taches/{open_task_of(line).pk}/", {"decision": "grant", "amount": "9000"})
    assert (
        staff_step(client, mel_staff, application, "convention", {"waived": "on"}).status_code
        == 302
    )
    holder = application.holder.user
    holder.set_password(PASSWORD)
    holder.save()

    # MEL staff cannot pay the advance yet: they ask the holder for the bank details.
    staff = new_page()
    login(staff, mel_staff, staff=True)
    treat(staff, staff=True)
    assert staff.get_by_role("button", name=re.compile("Mettre l'avance en paiement")).is_disabled()
    press(staff.get_by_role("button", name="Demander les coordonnées bancaires"))
    audit_page(staff, staff=True)

    # The holder finds the request on their home page and gives the structure's IBAN.
    login(page, holder)
    press(page.get_by_role("link", name="Indiquer les coordonnées bancaires").first)
    audit_page(page)
    page.get_by_label(re.compile("IBAN")).fill(IBAN)
    press(page.get_by_role("button", name="Enregistrer les coordonnées bancaires"))
    audit_page(page)
    application.project.structure.refresh_from_db()
    assert application.project.structure.iban.replace(" ", "") == IBAN.replace(" ", "")

    # MEL staff pay the advance.
    treat(staff, staff=True)
    press(staff.get_by_role("button", name=re.compile("Mettre l'avance en paiement")))
    audit_page(staff, staff=True)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FOLLOW_UP
    assert application.tranches.get(position=1).released_at is not None

    # The first report is due: the holder sends it.
    assert fire_timers(application) >= 1
    logout(page)
    login(page, holder)
    treat(page)
    page.get_by_label(re.compile("Chiffre d'affaires")).fill("45 000")
    field(page, "Emplois créés (en équivalents temps plein)").fill("1,5")
    field(page, "Emplois maintenus (en équivalents temps plein)").fill("2")
    field(page, "Dont personnes habitant un quartier prioritaire (QPV)").fill("1")
    page.get_by_label(re.compile("bénéficiaires|personnes accueillies", re.IGNORECASE)).first.fill(
        "40"
    )
    page.get_by_role("radio", name="Oui").check()
    press(page.get_by_role("button", name="Envoyer le rapport"))
    audit_page(page)
    assert application.reports.filter(submitted_at__isnull=False).count() == 1

    # The other reports (same page, same person) are sent through the service.
    values = {"jobs_created_fte": Decimal(2), "still_active": True, "beneficiaries": 40}
    for _ in range(application.reports.filter(submitted_at__isnull=True).count()):
        assert fire_timers(application) >= 1
        perform(
            application,
            "report",
            holder,
            lambda p: report_submit(application=p, actor=holder, values=values),
        )

    # MEL staff pay the balance and close.
    treat(staff, staff=True)
    staff.get_by_role("radio", name=re.compile("Verser le solde")).check()
    press(staff.get_by_role("button", name="Valider"))
    audit_page(staff, staff=True)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED

"""The committee: a member reads the dossier and scores it; MEL staff record the committee's
avis. The applicant's dossier page and the scoring page are photographed at 1280 and 390 px."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.test import Client

from accounts.models import Organisation, User
from applicants.models import Commune
from reviewers.models import Scoring
from tests.browser.pages import audit_page, login, menu, open_my_dossier, press, screenshot
from tests.factories.accounts import PASSWORD
from tests.workflows.stage_helpers import (
    eligible_application,
    hold_session,
    instruct,
    schedule_session,
    set_grant_financier,
)
from workflows.models import Application, ApplicationStatus


def on_agenda(
    roubaix: Commune, staff: User, incubator: Organisation, member: User, committee: Organisation
) -> Application:
    schedule_session(committee)
    application = eligible_application(Client(), roubaix, staff, incubator, member)
    instruct(application, staff)
    return application


def test_the_applicant_sees_their_dossier_on_a_phone_and_a_computer(
    page: Any,
    phone: Any,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
) -> None:
    application = on_agenda(roubaix, mel_staff, incubator_x, incubator_x_member, committee)
    holder = application.holder.user
    holder.set_password(PASSWORD)
    holder.save()
    for tab, width in ((page, 1280), (phone, 390)):
        login(tab, holder)
        # After signing in, "Où en est mon dossier ?" on the home page leads to its status.
        open_my_dossier(tab, "Cantine solidaire")
        audit_page(tab)
        screenshot(tab, f"applicant-dossier-{width}")
        assert tab.get_by_text("Cantine solidaire").first.is_visible()


def test_a_member_scores_the_dossier_and_staff_record_the_committees_avis(
    page: Any,
    phone: Any,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    new_page: Any,
) -> None:
    set_grant_financier(financier_f)
    application = on_agenda(roubaix, mel_staff, incubator_x, incubator_x_member, committee)

    login(phone, committee_member)
    phone.goto("/taches/")
    audit_page(phone)
    press(phone.get_by_role("link", name="Traiter").first)
    audit_page(phone)
    screenshot(phone, "committee-scoring-390")

    login(page, committee_member)
    menu(page, "Mes tâches")
    audit_page(page)
    press(page.get_by_role("link", name="Traiter").first)
    audit_page(page)
    screenshot(page, "committee-scoring-1280")
    for score in page.get_by_role("spinbutton").all():
        score.fill("3")
    page.get_by_label(re.compile("Commentaire général")).fill("Projet utile au quartier.")
    press(page.get_by_role("button", name="Rendre ma notation"))
    audit_page(page)
    assert Scoring.objects.filter(dossier=application, member=committee_member).exists()

    hold_session(application)
    chair = new_page()
    login(chair, mel_staff, staff=True)
    menu(chair, "Mes tâches")
    audit_page(chair, staff=True)
    row = chair.get_by_role("row").filter(has_text="Cantine solidaire")
    press(row.get_by_role("link", name="Traiter").first)
    audit_page(chair, staff=True)
    chair.get_by_role("radio", name="Avis favorable", exact=True).check()
    chair.get_by_label(re.compile("Montant proposé")).fill("12 000")
    chair.get_by_label(re.compile("Motivation")).fill("Projet solide et utile.")
    press(chair.get_by_role("button", name="Enregistrer l'avis"))
    audit_page(chair, staff=True)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.FUNDING, application.stage
    assert application.funding_lines.get().proposed_amount == Decimal(12000)

"""The applicant fills the application and uploads its documents; MEL staff ask for a
complement, the applicant sends it, staff declare the dossier complete then eligible."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.browser.pages import (
    audit_page,
    field,
    login,
    menu,
    open_my_dossier,
    press,
    screenshot,
)
from tests.factories.accounts import PASSWORD
from tests.support.fake_clamd import running_fake_clamd
from tests.support.sample_files import pdf, png
from tests.workflows.application_helpers import open_application, ready_journey
from workflows.models import ApplicationStatus

TITLE = "Cantine solidaire"


def treat(page: Any, *, staff: bool = False) -> None:
    menu(page, "Mes tâches")
    audit_page(page, staff=staff)
    row = page.get_by_role("row").filter(has_text=TITLE)
    press(row.get_by_role("link", name="Traiter").first)
    audit_page(page, staff=staff)


def upload_every_document(page: Any) -> int:
    """Drops a small real file on every document the page asks for (PDF and PNG in turn)."""
    count = page.get_by_label("Ajouter un fichier").count()
    for index in range(count):
        picker = page.get_by_label("Ajouter un fichier").nth(index)
        name, data, mime = (
            ("piece.pdf", pdf(), "application/pdf")
            if index % 2 == 0
            else ("piece.png", png(), "image/png")
        )
        picker.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
        form = picker.locator("xpath=ancestor::form[1]")
        press(form.get_by_role("button", name="Déposer"))
        audit_page(page)
    return count


def test_the_applicant_files_with_uploads_answers_a_complement_and_is_found_eligible(
    page: Any,
    new_page: Any,
    settings: Any,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    client = Client()
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    holder = journey.holder.user
    holder.set_password(PASSWORD)
    holder.save()

    with running_fake_clamd() as clamd:
        settings.CLAMD_URL, settings.CLAMD_TIMEOUT = clamd.url, 5.0
        login(page, holder)
        open_my_dossier(page, TITLE)
        audit_page(page)
        press(page.get_by_role("link", name="Pièces jointes de la candidature"))
        audit_page(page)
        assert upload_every_document(page) >= 1
        assert clamd.streams, "every upload goes through the antivirus"

    press(page.get_by_role("link", name=re.compile("Retour|dossier|candidature")).first)
    audit_page(page)
    press(page.get_by_role("link", name="Remplir la candidature"))
    audit_page(page)
    field(page, "Volet").select_option(index=1)
    field(page, "Montant demandé à la MEL (€)").fill("12 000")
    field(page, "Budget prévisionnel : total des charges (€)").fill("60 000")
    field(page, "Budget prévisionnel : total des produits (€)").fill("60 000")
    field(page, "Emplois prévus (équivalents temps plein)").fill("2")
    field(page, "Utilité sociale du projet").fill("Une cantine de quartier à prix libre.")
    press(page.get_by_role("button", name="Déposer la candidature"))
    audit_page(page)
    screenshot(page, "applicant-after-submit-1280")
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED, application.stage

    # MEL staff ask for a complement on the social utility.
    staff = new_page()
    login(staff, mel_staff, staff=True)
    treat(staff, staff=True)
    staff.get_by_role("radio", name="Non, demander des compléments").check()
    staff.get_by_role("checkbox", name=re.compile("tilité sociale")).first.check()
    field(staff, "Message au porteur").fill("Précisez les publics accueillis.")
    press(staff.get_by_role("button", name="Valider"))
    audit_page(staff, staff=True)

    # The applicant answers from their task list.
    treat(page)
    field(page, "Utilité sociale du projet").fill(
        "Une cantine de quartier à prix libre, ouverte aux familles du quartier."
    )
    press(page.get_by_role("button", name="Envoyer les compléments"))
    audit_page(page)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED, application.stage

    # Complete, then eligible.
    treat(staff, staff=True)
    staff.get_by_role("radio", name="Oui, il est complet").check()
    press(staff.get_by_role("button", name="Valider"))
    audit_page(staff, staff=True)
    treat(staff, staff=True)
    staff.get_by_role("radio", name="Éligible", exact=True).check()
    press(staff.get_by_role("button", name="Valider"))
    audit_page(staff, staff=True)
    application.refresh_from_db()
    assert application.stage in (ApplicationStatus.ELIGIBLE, ApplicationStatus.ON_AGENDA)

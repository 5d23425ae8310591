"""The personal-data pages in Chromium with axe: the public notice, « Mes données
personnelles » on a computer and a phone, the withdrawal of partner sharing, the request to
the DPO, and the DPO's export page. 0 violations, no identifier shown to non-staff readers."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from accounts.models import OrganisationKind, User
from tests.browser.pages import audit_page, login, logout, press, screenshot
from tests.factories.accounts import make_organisation
from tests.workflows.stage_helpers import add_member


def test_the_notice_and_my_data_pages_pass_axe_and_the_export_downloads(
    page: Any, phone: Any, project_a_supported_by_x: Any, applicant_a: User
) -> None:
    for browser_page, name in ((page, "notice-desktop"), (phone, "notice-phone")):
        browser_page.goto("/donnees-personnelles/")
        assert audit_page(browser_page).violations == 0
        screenshot(browser_page, name)
    login(page, applicant_a)
    page.goto("/mon-espace/")
    press(page.get_by_role("link", name="Mes données personnelles").first)
    assert page.url.endswith("/donnees-personnelles/mes-donnees/")
    audit_page(page)
    screenshot(page, "my-data-desktop")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger mes données").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert "LISEZMOI.txt" in archive.namelist()

    press(page.get_by_role("link", name="Retirer mon accord"))
    audit_page(page)
    screenshot(page, "sharing-withdraw")
    press(page.get_by_role("button", name="Confirmer le retrait de mon accord"))
    audit_page(page)
    assert page.get_by_role("link", name="Partager de nouveau mon dossier").count() == 1

    press(
        page.get_by_role(
            "link", name="écrivez à la ou au délégué·e à la protection des données"
        ).first
    )
    audit_page(page)
    press(page.get_by_role("button", name="Envoyer ma demande"))  # empty: errors, kept
    assert page.title().startswith("Erreur")
    audit_page(page)
    screenshot(page, "dpo-request-errors")


def test_the_dpo_export_page_passes_axe(page: Any, applicant_a: User) -> None:
    dpo = add_member(
        make_organisation("DPO de la MEL", OrganisationKind.DPO), "dpo@mel.example.org"
    )
    login(page, dpo)
    page.goto("/donnees-personnelles/dpo/")
    audit_page(page)
    page.get_by_label("Adresse e-mail de la personne").fill(applicant_a.email)
    press(page.get_by_role("button", name="Chercher"))
    audit_page(page)
    screenshot(page, "dpo-search")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger ses données").click()
    assert download.value.suggested_filename.endswith(".zip")
    logout(page)

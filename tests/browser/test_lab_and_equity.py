"""The steering reader finds the lab's extract from their home page, reads its dictionary and
downloads it; an applicant answers (or not) the equity questions in their own space."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from accounts.models import User
from applicants.models import Person
from tests.browser.pages import audit_page, field, login, press, screenshot


def test_the_lab_member_reads_the_dictionary_and_downloads_the_extract(
    page: Any, lab_member: User
) -> None:
    login(page, lab_member)
    press(page.get_by_role("link", name="Données pseudonymisées pour le laboratoire d'évaluation"))
    # The dictionary names the files' columns (commune_insee…): the lab's own vocabulary,
    # which it meets in the files; the page is checked by axe, not by the identifier scan.
    audit_page(page, staff=True)
    screenshot(page, "lab-dataset-1280")
    assert page.get_by_role("table").count() == 3
    assert page.get_by_role("table", name="Colonnes du fichier dossiers.csv").is_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger l'extrait").click()
    path = info.value.path()
    with open(path, "rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        assert "dictionnaire.csv" in archive.namelist()


def test_an_applicant_answers_the_equity_questions_in_their_space(
    page: Any, applicant_a: User
) -> None:
    login(page, applicant_a)
    press(page.get_by_role("link", name="Mon espace").first)
    press(page.get_by_role("link", name="Mes informations"))
    audit_page(page)
    screenshot(page, "person-details-1280")
    group = page.get_by_role("group", name="Pour mesurer l'égalité d'accès (facultatif)")
    assert group.is_visible()
    group.get_by_role("radio", name="Ne souhaite pas répondre").first.check()
    field(page, "Téléphone").fill("06 00 00 00 02")
    press(page.get_by_role("button", name="Enregistrer mes informations"))
    audit_page(page)
    person = Person.objects.get(pk=applicant_a.pk)
    assert (person.gender, person.age_band, person.phone) == ("declined", "", "06 00 00 00 02")

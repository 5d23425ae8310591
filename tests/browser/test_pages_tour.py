"""Every list, statement and error page that the persona paths do not cross, looked at in
Chromium with axe: MEL staff's lists with their search and filters (a search typed and
sent), the committee's sessions and agenda, the figures, the accessibility statement and a
missing page, signed out and in."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.browser.pages import audit_page, login, menu, press
from tests.browser.test_selection import on_agenda

STAFF_MENU = ("Parcours", "Candidatures", "Projets", "QPV à vérifier", "Comité", "Indicateurs")


def test_staff_lists_with_a_search_the_agenda_and_the_figures_pass_axe(
    page: Any,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
) -> None:
    dossier = on_agenda(roubaix, mel_staff, incubator_x, incubator_x_member, committee)
    title = dossier.project.title
    login(page, mel_staff, staff=True)
    for name in STAFF_MENU:
        menu(page, name)
        audit_page(page, staff=True)
    menu(page, "Candidatures")
    page.get_by_label("Rechercher une personne, un projet, un SIRET ou une commune").fill(
        title.lower()
    )
    press(page.get_by_role("button", name="Filtrer"))
    audit_page(page, staff=True)
    assert page.get_by_role("link", name=title).count() == 1
    menu(page, "Comité")
    press(page.get_by_role("main").get_by_role("link").filter(has_text=" 20").first)  # a date
    audit_page(page, staff=True)
    assert title in page.inner_text("main")


def test_public_pages_and_a_missing_page_pass_axe_signed_out_and_in(
    page: Any, committee_member: User
) -> None:
    for path in ("/accessibilite/", "/premier-contact/", "/cette-page-n-existe-pas/"):
        page.goto(path)
        audit_page(page)
    assert "Page introuvable" in page.title()
    login(page, committee_member)
    menu(page, "Comité")
    audit_page(page)
    page.goto("/accessibilite/")
    audit_page(page)
    assert "partiellement conforme" in page.inner_text("main")

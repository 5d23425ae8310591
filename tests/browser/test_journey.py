"""MEL staff triage a first contact and orient it; the support organisation accepts, records
its sessions and plan, and declares the project ready to apply."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.browser.pages import audit_page, choose, field, login, logout, menu, press
from tests.workflows.conftest import submit_first_contact
from workflows.models import Journey, JourneyStage

TITLE = "Cantine solidaire"


def open_task_from_inbox(page: Any, *, staff: bool) -> None:
    menu(page, "Mes tâches")
    audit_page(page, staff=staff)
    row = page.get_by_role("row").filter(has_text=TITLE)
    press(row.get_by_role("link", name="Traiter"))
    audit_page(page, staff=staff)


def test_staff_orient_a_first_contact_and_the_incubator_brings_it_to_ready(
    page: Any,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = submit_first_contact(Client(), roubaix, title=TITLE)

    # MEL staff: triage, orientation to incubator X.
    login(page, mel_staff, staff=True)
    open_task_from_inbox(page, staff=True)
    page.get_by_role("radio", name="L'orienter vers une structure d'accompagnement").check()
    choose(field(page, "Structure d'accompagnement"), "Incubateur X")
    press(page.get_by_role("button", name="Valider"))
    audit_page(page, staff=True)
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.ORIENTATION
    logout(page)

    # The incubator accepts, then supports.
    login(page, incubator_x_member)
    open_task_from_inbox(page, staff=False)
    page.get_by_role("radio", name="Nous accompagnons ce projet").check()
    press(page.get_by_role("button", name="Valider"))
    audit_page(page)
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.SUPPORT

    menu(page, "Parcours")
    audit_page(page)
    press(page.get_by_role("link", name=TITLE).first)
    audit_page(page)
    field(page, "Date").fill("2026-11-20")
    field(page, "Durée (minutes)").fill("90")
    field(page, "Sujet").fill("Budget prévisionnel")
    field(page, "Compte rendu").fill("Budget revu ligne à ligne.")
    press(page.get_by_role("button", name="Ajouter la séance"))
    audit_page(page)
    assert page.get_by_text("Budget prévisionnel").first.is_visible()
    field(page, "Diagnostic").fill("Besoin d'un local en rez-de-chaussée.")
    field(page, "Plan d'accompagnement").fill("Trois séances sur le budget et le local.")
    press(page.get_by_role("button", name="Enregistrer le plan"))
    audit_page(page)

    open_task_from_inbox(page, staff=False)
    page.get_by_role("radio", name=re.compile("Prêt à candidater")).check()
    field(page, "Avis de la structure (si le projet est prêt)").fill("Projet solide.")
    field(page, "Montant recommandé (€)").fill("12 000")
    press(page.get_by_role("button", name="Valider"))
    audit_page(page)
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.READY_TO_APPLY
    assert Journey.objects.count() == 1

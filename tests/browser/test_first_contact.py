"""A person with an idea, on a phone, writes to the MEL without an account, confirms with the
link e-mailed to the address, then opens their space with the link the MEL's e-mail gives
them."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail

from applicants.models import Commune
from tests.browser.pages import audit_page, field, press, screenshot
from workflows.models import Journey, JourneyStage

NEW_PASSWORD = "Cantine-de-quartier-2027"


def test_a_person_on_a_phone_presents_their_project_and_is_told_what_happens_next(
    phone: Any, roubaix: Commune
) -> None:
    phone.goto("/")
    audit_page(phone)
    press(phone.get_by_role("link", name="Présenter mon projet"))
    audit_page(phone)
    screenshot(phone, "first-contact-390")

    field(phone, "Votre idée en quelques mots").fill("Cantine solidaire")
    field(phone, "Présentez votre projet").fill("Une cantine de quartier à prix libre.")
    field(phone, "Secteur").select_option(label="Alimentation")
    field(phone, "Stade").select_option(label="Émergence")
    field(phone, "Code postal").fill("59100")
    field(phone, "Prénom").fill("Nadia")
    field(phone, "Nom").fill("Benali")
    field(phone, "Adresse e-mail").fill("nadia@example.org")
    field(phone, "Téléphone").fill("06 11 22 33 44")
    field(phone, "De quoi avez-vous besoin ?").fill("Trouver un local et construire mon budget.")
    press(phone.get_by_role("button", name="Envoyer"))

    # The commune was forgotten: the page says so and keeps what was typed.
    audit_page(phone)
    screenshot(phone, "first-contact-error-390")
    assert field(phone, "Votre idée en quelques mots").input_value() == "Cantine solidaire"
    assert field(phone, "Adresse e-mail").input_value() == "nadia@example.org"
    field(phone, "Commune").select_option(label="Roubaix")
    phone.get_by_role("checkbox", name=re.compile("J'accepte")).check()
    press(phone.get_by_role("button", name="Envoyer"))

    # Nothing is recorded yet: the page says to open the e-mail sent to the address.
    phone.get_by_role("heading", name="Vérifiez votre boîte aux lettres électronique").wait_for()
    audit_page(phone)
    screenshot(phone, "first-contact-sent-390")
    assert not Journey.objects.exists()
    (message,) = [m for m in mail.outbox if m.to == ["nadia@example.org"]]
    link = re.search(r"https?://[^/\s]+(/premier-contact/confirmer/\S+/)", str(message.body))
    assert link is not None, message.body

    phone.goto(link.group(1))
    audit_page(phone)
    screenshot(phone, "first-contact-confirm-390")
    press(phone.get_by_role("button", name="Confirmer ma demande"))
    phone.get_by_role("heading", name=re.compile("votre demande est enregistrée")).wait_for()
    audit_page(phone)
    screenshot(phone, "first-contact-done-390")
    journey = Journey.objects.get(holder__user__email="nadia@example.org")
    assert journey.stage == JourneyStage.TRIAGE
    assert journey.project.title == "Cantine solidaire"


def test_the_person_chooses_a_password_from_the_e_mail_and_finds_their_request(
    phone: Any, roubaix: Commune
) -> None:
    from django.test import Client

    from tests.workflows.conftest import submit_first_contact

    submit_first_contact(Client(), roubaix)
    phone.goto("/compte/connexion/")
    audit_page(phone)
    press(phone.get_by_role("link", name=re.compile("Mot de passe oublié")))
    audit_page(phone)
    phone.get_by_label(re.compile("e-mail|électronique|courriel", re.IGNORECASE)).fill(
        "nadia@example.org"
    )
    mail.outbox.clear()
    press(
        phone.get_by_role("button")
        .filter(has_text=re.compile("envoyer|recevoir", re.IGNORECASE))
        .first
    )
    phone.wait_for_load_state("load")
    audit_page(phone)

    (message,) = [m for m in mail.outbox if "nadia@example.org" in m.to]
    link = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+", str(message.body))
    assert link is not None, message.body
    phone.goto(link.group(0))
    audit_page(phone)
    field(phone, "Nouveau mot de passe").fill(NEW_PASSWORD)
    field(phone, "Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    press(
        phone.get_by_role("button")
        .filter(has_text=re.compile("mot de passe|enregistrer", re.IGNORECASE))
        .first
    )
    assert "/compte/connexion/" in phone.url
    audit_page(phone)

    field(phone, "Adresse e-mail").fill("nadia@example.org")
    field(phone, "Mot de passe").fill(NEW_PASSWORD)
    press(phone.get_by_role("button", name="Se connecter"))
    assert "/compte/connexion" not in phone.url
    audit_page(phone)
    press(phone.get_by_role("link", name="Mon espace").first)
    audit_page(phone)
    screenshot(phone, "applicant-space-after-first-contact-390")
    assert phone.get_by_text("Cantine solidaire").first.is_visible()

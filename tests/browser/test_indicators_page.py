"""The plan's indicators in Chromium: the steering reader's page (axe, no identifier shown;
whole semesters only), MEL staff's with a custom period typed in the form, at a desktop and
a phone width."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from tests.browser.pages import audit_page, field, login, menu, press, screenshot
from tests.steering.builders import day, dossier


def _dossiers() -> None:
    for k in range(6):
        dossier(first=day(k), journey=(("orientation", day(k + 2)), ("support", day(k + 4))))


def test_the_steering_reader_reads_the_indicators_of_whole_semesters(
    page: Any, steering_reader: User
) -> None:
    _dossiers()
    login(page, steering_reader)
    menu(page, "Indicateurs")
    audit_page(page)
    text = page.inner_text("main")
    assert "Chiffres arrêtés le" in text
    assert "Vous choisissez un semestre entier, pour tout le plan" in text


def test_mel_staff_read_the_indicators_and_pick_dates(page: Any, mel_staff: User) -> None:
    _dossiers()
    login(page, mel_staff)
    menu(page, "Indicateurs")
    audit_page(page)
    page.get_by_label("Période").select_option(label="Autres dates (à saisir ci-dessous)")
    field(page, "Du").fill("2027-01-01")
    field(page, "Au").fill("2027-03-31")
    press(page.get_by_role("button", name="Afficher les indicateurs"))
    audit_page(page)
    text = page.inner_text("main")
    assert "du 1er\u00a0janvier\u00a02027 au 31\u00a0mars\u00a02027" in text
    assert "Du premier contact au suivi" in text
    screenshot(page, "indicators-desktop")


def test_the_indicators_on_a_phone_and_a_bad_period(phone: Any, mel_staff: User) -> None:
    _dossiers()
    login(phone, mel_staff)
    phone.goto("/pilotage/indicateurs/?periode=dates&du=2027-03-31&au=2027-01-01")
    audit_page(phone)
    assert phone.title().startswith("Erreur")
    assert "La date de fin doit être" in phone.inner_text("main")
    phone.goto("/pilotage/indicateurs/")
    audit_page(phone)
    screenshot(phone, "indicators-phone")

"""The DPO's retention page in Chromium: reached from the menu, read (axe, no identifier
shown), a dry run started with its button and its result shown, at a desktop and a phone
width."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import MembershipRole, OrganisationKind, User
from accounts.services import membership_add
from notifications.models import Notification
from tests.browser.pages import audit_page, login, menu, press, screenshot
from tests.factories.accounts import UserFactory, make_organisation


@pytest.fixture
def dpo(db: None) -> User:
    organisation = make_organisation("Protection des données de la MEL", OrganisationKind.DPO)
    user = UserFactory.create(email="dpo@mel.example.org")
    membership_add(organisation=organisation, user=user, role=MembershipRole.LEAD)
    old = UserFactory.create()
    Notification.objects.create(
        recipient=old, event="decision", subject="S", body="B", key="old",
        created_at="2020-01-01T00:00:00Z",
    )  # fmt: skip
    return user


def test_the_dpo_reads_the_rules_and_simulates_a_run(page: Any, dpo: User) -> None:
    login(page, dpo)
    menu(page, "Conservation des données")
    audit_page(page)
    text = page.inner_text("main")
    assert "1 an après leur création" in text
    press(page.get_by_role("button", name="Simuler maintenant"))
    audit_page(page)
    text = page.inner_text("main")
    assert "Résultat de la simulation" in text
    assert "1 à traiter" in text
    assert Notification.objects.count() == 1
    screenshot(page, "retention-desktop")


def test_the_retention_page_on_a_phone(phone: Any, dpo: User) -> None:
    login(phone, dpo)
    phone.goto("/donnees-personnelles/conservation/")
    audit_page(phone)
    screenshot(phone, "retention-phone")

"""The public open-data page in Chromium with axe, on a computer and on a phone, signed
out: 0 violations, no identifier shown, the files downloadable from their links."""

from __future__ import annotations

import datetime
from typing import Any

from accounts.models import Organisation, User
from tests.browser.pages import audit_page, screenshot
from tests.opendata.grants import Grants

D = datetime.date


def _seed(mel_team: Organisation, mel_staff: User, committee: Organisation) -> None:
    grants = Grants(mel=mel_team, staff=mel_staff, committee=committee)
    grants.make("30000", signed_on=D(2025, 3, 4))
    grants.make("24500.50", signed_on=D(2025, 6, 4))
    grants.make("26000", signed_on=D(2024, 9, 1))


def test_the_open_data_page_passes_axe_on_a_computer_and_a_phone(
    page: Any, phone: Any, mel_team: Organisation, mel_staff: User, committee: Organisation
) -> None:
    _seed(mel_team, mel_staff, committee)
    for browser_page, name in ((page, "opendata-desktop"), (phone, "opendata-phone")):
        browser_page.goto("/donnees-ouvertes/")
        visit = audit_page(browser_page)
        assert visit.violations == 0, visit.rules
        assert visit.identifiers == 0
        screenshot(browser_page, name)
    table = page.get_by_role("table", name="Conventions publiées, par année de signature")
    assert table.get_by_role("row").count() == 3  # the header and two years
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV de 2025").click()
    assert download.value.suggested_filename == "subventions-2025.csv"

"""The exports in Chromium with axe: the list's "Exporter" block, the confirmation of a
large export, and "Mes exports" with a job in each state."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation, User
from exports.models import ExportJob, ExportState
from tests.browser.pages import audit_page, login, press, screenshot
from tests.test_query_counts import _make_projects


def test_export_block_confirmation_and_my_exports_pass_axe(
    page: Any, settings: Any, mel_staff: User, incubator_x: Organisation
) -> None:
    settings.EXPORT_SYNC_MAX_ROWS = 2
    _make_projects(3, incubator_x)
    for state in ExportState.values:
        ExportJob.objects.create(
            owner=mel_staff, list_name="projets", list_title="Projets", format="xlsx",
            state=state, rows_total=3000, rows_done=1200, query="tri=nom",
            error="L'export n'a pas pu être préparé." if state == ExportState.FAILED else "",
        )  # fmt: skip
    login(page, mel_staff, staff=True)
    page.goto("/projets/?tri=-nom")
    audit_page(page, staff=True)
    screenshot(page, "exports-list-block")
    page.get_by_label("Nombres au format français (12 000,50 plutôt que 12000.50)").check()
    press(page.get_by_role("button", name="Préparer en Excel (XLSX)"))
    assert "/exports/" in page.url
    audit_page(page, staff=True)
    screenshot(page, "exports-mine")
    assert page.get_by_text("Votre export est en préparation").count() == 1
    assert ExportJob.objects.filter(french_numbers=True, query="tri=-nom").count() == 1
    page.goto("/exports/liste/projets/?format=csv")
    audit_page(page, staff=True)
    screenshot(page, "exports-confirm")

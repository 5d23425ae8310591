"""The docs page under the strict CSP, French descriptions in the schema, and the keys:
shown once, stored hashed, acting as a technical member that is never one of the people."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import Membership, Organisation, OrganisationKind, User
from accounts.services import organisation_set_active
from api.models import ApiClient
from api.services.clients import api_client_create, api_client_revoke
from audit.models import AuditRecord
from funding.services.signatures import signatory_ids
from tests.api.conftest import bearer
from tests.conftest import login
from tests.factories.accounts import make_organisation
from tests.test_security_headers import _inline_problems

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_its_script_from_our_files_under_the_csp(client: Client) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    html = page.content.decode()
    assert _inline_problems(html) == []
    sources = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'href="([^"]+\.css)"', html)
    assert any("?script" in src for src in sources)  # the split view: its init is a file too
    for src in sources:
        assert src.startswith("/"), src  # no CDN
        asset: Any = client.get(src.replace("&amp;", "&"))
        assert asset.status_code == 200, src
        if hasattr(asset, "streaming_content"):
            b"".join(asset.streaming_content)


def test_the_schema_describes_everything_in_french(client: Client) -> None:
    schema = client.get("/api/schema/?format=json").json()
    assert (
        "Chaque organisation ne lit que ce que ses membres voient" in schema["info"]["description"]
    )
    text = str(schema)
    for english in ("A unique integer value", "Number of results", "A page number"):
        assert english not in text
    assert schema["components"]["securitySchemes"]["cleApi"]["scheme"] == "bearer"


def test_a_key_is_shown_once_stored_hashed_and_its_account_is_no_person(
    mel_staff: User, financier_f: Organisation, financier_member: User
) -> None:
    before = signatory_ids(organisation=financier_f)
    created = api_client_create(organisation=financier_f, name="ERP du financeur", actor=mel_staff)
    client = created.client
    secret = created.key.rsplit("_", 1)[-1]
    stored = ApiClient.objects.values().get(pk=client.pk)
    assert all(secret not in str(value) for value in stored.values())
    assert not client.user.has_usable_password()
    assert not Membership.objects.filter(user=client.user).exists()
    assert signatory_ids(organisation=financier_f) == before  # never a second signatory
    assert AuditRecord.objects.filter(summary__contains=client.key_prefix).count() == 1
    assert not client.user.check_password("")  # no sign-in to the site, ever

    api_client_revoke(client=client, actor=mel_staff)
    assert AuditRecord.objects.filter(summary__contains=client.key_prefix).count() == 2
    assert Client().get("/api/v1/dossiers/", headers=bearer(created.key)).status_code == 401


def test_the_use_of_a_key_is_written_at_most_once_a_minute(
    mel_staff: User, mel_team: Organisation
) -> None:
    key = api_client_create(organisation=mel_team, name="Finances", actor=mel_staff).key
    client = Client()

    def writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/dossiers/", headers=bearer(key)).status_code == 200
        return sum('UPDATE "api_apiclient"' in q["sql"] for q in queries.captured_queries)

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert writes() == 1
        assert writes() == 0
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert writes() == 1


def test_partners_get_json_and_only_signed_in_staff_the_browsable_page(
    mel_staff: User, mel_team: Organisation
) -> None:
    key = api_client_create(organisation=mel_team, name="Finances", actor=mel_staff).key
    client = Client()
    machine = client.get("/api/v1/dossiers/", HTTP_ACCEPT="text/html", headers=bearer(key))
    assert machine["Content-Type"].startswith("application/json")
    client.force_login(mel_staff)
    page = client.get("/api/v1/dossiers/", HTTP_ACCEPT="text/html")
    assert page["Content-Type"].startswith("text/html")


def test_a_key_follows_its_organisation_off_and_on_again(
    mel_staff: User, incubator_x: Organisation
) -> None:
    key = api_client_create(organisation=incubator_x, name="CRM", actor=mel_staff).key
    organisation_set_active(organisation=incubator_x, active=False)
    refused: Any = Client().get("/api/v1/dossiers/", headers=bearer(key))
    assert refused.status_code == 401
    assert "désactivée" in refused.json()["detail"]
    organisation_set_active(organisation=incubator_x, active=True)
    assert Client().get("/api/v1/dossiers/", headers=bearer(key)).status_code == 200
    user = ApiClient.objects.get(organisation=incubator_x).user
    assert user.groups.filter(pk=incubator_x.group_id).exists()


def test_bad_filters_and_periods_get_french_400s(mel_staff: User, mel_team: Organisation) -> None:
    key = api_client_create(organisation=mel_team, name="Finances", actor=mel_staff).key
    client = Client()
    bad_date: Any = client.get("/api/v1/dossiers/?submitted_after=demain", headers=bearer(key))
    assert bad_date.status_code == 400
    assert "date" in str(bad_date.json()).lower()
    period: Any = client.get(
        "/api/v1/indicateurs/?debut=2026-07-01&fin=2026-01-01", headers=bearer(key)
    )
    assert period.status_code == 400
    assert "précède" in str(period.json())
    ok: Any = client.get(
        "/api/v1/indicateurs/?debut=2026-01-01&fin=2026-06-30", headers=bearer(key)
    )
    assert ok.json()["period"] == {"start": "2026-01-01", "end": "2026-06-30"}


def test_an_id_beyond_the_databases_range_is_a_json_404(
    mel_staff: User, mel_team: Organisation
) -> None:
    """Found by schemathesis: SQLite cannot even compare such a number (it was a 500)."""
    key = api_client_create(organisation=mel_team, name="Finances", actor=mel_staff).key
    for endpoint in ("dossiers", "decisions", "lignes-financement", "tranches"):
        response: Any = Client().get(
            f"/api/v1/{endpoint}/86444498792517381801492011286528/", headers=bearer(key)
        )
        assert response.status_code == 404
        assert response.json()["detail"] == "Cet objet n'existe pas ou ne vous est pas visible."


def test_indicators_by_axis_or_programme_refuse_unknown_ones_in_french(
    mel_staff: User, mel_team: Organisation
) -> None:
    key = api_client_create(organisation=mel_team, name="Finances", actor=mel_staff).key
    client = Client()
    axis: Any = client.get("/api/v1/indicateurs/?axe=42", headers=bearer(key))
    assert axis.status_code == 400
    assert axis.json() == {"axe": ["Le plan n'a pas d'axe n° 42."]}
    programme: Any = client.get("/api/v1/indicateurs/?programme=inconnu", headers=bearer(key))
    assert programme.json() == {"programme": ["Ce programme n'existe pas."]}


@pytest.mark.parametrize("kind", [OrganisationKind.ACCESS, OrganisationKind.DPO])
def test_no_key_is_made_for_the_mels_services_over_people(
    client: Client, mel_staff: User, kind: OrganisationKind
) -> None:
    """A key's technical account holds its organisation's group: for the habilitations
    service (who belongs where, the financiers included) or the DPO (anyone's data), that
    would hand their rights to an account the programme staff who made the key hold. Those
    services connect no system: no key for them, from the admin or the service."""
    service = make_organisation("Service sensible", kind)
    with pytest.raises(ApplicationError):
        api_client_create(organisation=service, name="Outil", actor=mel_staff)
    login(client, mel_staff)
    client.post("/admin/api/apiclient/add/", {"organisation": service.pk, "name": "Outil"})
    assert not ApiClient.objects.filter(organisation=service).exists()
    assert not User.objects.filter(groups=service.group).exists()

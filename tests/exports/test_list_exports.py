"""Each staff list's export holds exactly the rows its page shows, for the same filters,
search and sort, per persona: a partner never gets a foreign row, contacts only for MEL
staff; holders may not export; no query string gives a server error."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from applicants.models import Project
from exports.registry import list_exports
from tests.conftest import login
from tests.exports.helpers import export_url, page_and_export, read_csv
from tests.test_query_counts import (
    _make_dossiers_for_committee_and_financier,
    _make_journeys,
    _make_projects,
    _make_sessions,
)
from tests.workflows.application_helpers import make_waiting_applications

pytestmark = pytest.mark.django_db


def _keys(objects: list[Any]) -> list[str]:
    return [str(obj.pk) for obj in objects]


def test_every_staff_list_is_registered() -> None:
    names = {export.name for export in list_exports()}
    assert {
        "candidatures",
        "parcours",
        "projets",
        "qpv-a-verifier",
        "seances",
        "organisations",
        "mes-taches",
    } <= names


@pytest.mark.parametrize(
    "query", ["", "tri=-nom", "q=projet&tri=commune", "qpv=to_verify&tri=date"]
)
def test_projects_export_is_the_page_for_mel_staff(
    client: Client,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_y: Organisation,
    query: str,
) -> None:
    _make_projects(3, incubator_x)
    _make_projects(2, incubator_y)
    login(client, mel_staff)
    objects, rows = page_and_export(client, "projets", query)
    assert len(objects) == 5
    assert [row[0] for row in rows[1:]] == _keys(objects)
    assert "SIRET" in rows[0]
    assert "E-mail du porteur·se" in rows[0]


def test_an_incubator_exports_its_portfolio_only_without_contacts(
    client: Client, incubator_x_member: User, incubator_x: Organisation, incubator_y: Organisation
) -> None:
    _make_projects(3, incubator_x)
    _make_projects(2, incubator_y)
    login(client, incubator_x_member)
    objects, rows = page_and_export(client, "projets", "tri=nom")
    mine = set(
        Project.objects.filter(support_organisation=incubator_x).values_list("pk", flat=True)
    )
    assert [row[0] for row in rows[1:]] == _keys(objects)
    assert {int(row[0]) for row in rows[1:]} == mine
    assert "SIRET" not in rows[0]
    assert "E-mail du porteur·se" not in rows[0]
    # Values in words, never codes.
    header = rows[0]
    assert rows[1][header.index("Quartier prioritaire (QPV)")].startswith("À vérifier")
    assert rows[1][header.index("Accompagnement")] == "Incubateur X"


def test_qpv_queue_export_is_the_page_and_mel_staff_only(
    client: Client, mel_staff: User, incubator_x_member: User, incubator_x: Organisation
) -> None:
    _make_projects(3, incubator_x)
    login(client, mel_staff)
    objects, rows = page_and_export(client, "qpv-a-verifier", "tri=-nom")
    assert [row[0] for row in rows[1:]] == _keys(objects)
    assert len(objects) == 3
    login(client, incubator_x_member)
    assert client.get(export_url("qpv-a-verifier")).status_code == 403


@pytest.mark.parametrize("persona", ["mel_staff", "incubator_x_member"])
def test_journeys_export_is_the_page_per_persona(
    client: Client,
    request: pytest.FixtureRequest,
    mel_staff: User,
    incubator_x: Organisation,
    persona: str,
) -> None:
    _make_journeys(4, incubator_x)
    login(client, request.getfixturevalue(persona))
    for query in ("", "tri=-date", "etape=triage"):
        objects, rows = page_and_export(client, "parcours", query)
        assert [row[0] for row in rows[1:]] == _keys(objects)
    objects, rows = page_and_export(client, "parcours")
    assert len(objects) == (4 if persona == "mel_staff" else 2)


def test_applications_export_is_the_page_with_amounts_and_stage_in_words(
    client: Client, mel_staff: User, incubator_x_member: User
) -> None:
    make_waiting_applications(3)
    login(client, mel_staff)
    for query in ("", "tri=-montant", "etape=submitted", "q=candidat&tri=porteur"):
        objects, rows = page_and_export(client, "candidatures", query)
        assert [row[0] for row in rows[1:]] == _keys(objects)
    objects, rows = page_and_export(client, "candidatures")
    header = rows[0]
    stage = rows[1][header.index("Étape")]
    assert stage == objects[0].get_stage_display()
    assert stage != objects[0].stage
    # An incubator supporting none of them gets the header only.
    login(client, incubator_x_member)
    objects, rows = page_and_export(client, "candidatures")
    assert objects == []
    assert len(rows) == 1


def test_sessions_export_is_the_page_for_a_committee_member(
    client: Client, committee_member: User, committee: Organisation
) -> None:
    _make_sessions(3, committee)
    login(client, committee_member)
    objects, rows = page_and_export(client, "seances", "tri=-date")
    days = [timezone.localtime(s.starts_at).strftime("%d/%m/%Y") for s in objects]
    assert [row[0] for row in rows[1:]] == days
    assert [row[2] for row in rows[1:]] == [s.committee.name for s in objects]
    assert len(objects) == 3


@pytest.mark.parametrize("persona", ["mel_staff", "incubator_x_member"])
def test_organisations_export_is_the_page(
    client: Client, request: pytest.FixtureRequest, incubator_y: Organisation, persona: str
) -> None:
    login(client, request.getfixturevalue(persona))
    objects, rows = page_and_export(client, "organisations", "tri=type")
    assert [row[0] for row in rows[1:]] == [o.name for o in objects]
    if persona == "incubator_x_member":
        assert [row[0] for row in rows[1:]] == ["Incubateur X"]


def test_the_page_shows_the_export_control_with_its_filters(
    client: Client, mel_staff: User, incubator_x: Organisation
) -> None:
    _make_projects(3, incubator_x)
    login(client, mel_staff)
    page = client.get(reverse("applicants:project_list") + "?tri=-nom&page=1").content.decode()
    assert "Exporter cette liste" in page
    assert 'name="tri" value="-nom"' in page
    assert 'name="page"' not in page.split("Exporter cette liste")[1].split("</form>")[0]
    assert "3\u00a0lignes" in page
    assert "tout de suite" in page


def test_holders_may_not_export_and_see_no_control(
    client: Client, applicant_a: User, project_a: Project
) -> None:
    login(client, applicant_a)
    assert (
        "Exporter cette liste"
        not in client.get(reverse("applicants:project_list")).content.decode()
    )
    assert client.get(export_url("projets")).status_code == 403
    assert client.get(reverse("exports:jobs")).status_code == 403


def test_xlsx_export_reads_back(client: Client, mel_staff: User, incubator_x: Organisation) -> None:
    _make_projects(3, incubator_x)
    login(client, mel_staff)
    response = client.get(export_url("projets", "tri=nom", fmt="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    assert sheet.max_row == 4
    assert sheet["A1"].value == "N° de projet"


BAD_QUERIES = [
    "tri=inconnu", "tri=-", "commune=abc", "commune=999999999999999999999999", "qpv=%00",
    "q=" + "x" * 500, "etape=nope&seance=-1&programme=zz", "format=pdf", "format=", "nombres_fr=peut-etre",
    "accompagnement=1e9", "retard=peut-etre&page=-3", "q=%C0%AF", "statut=x&periode=y", "type=z&active=w",
]  # fmt: skip


@pytest.mark.parametrize(
    "name",
    [
        "candidatures",
        "parcours",
        "projets",
        "qpv-a-verifier",
        "seances",
        "organisations",
        "mes-taches",
    ],
)
def test_bad_query_strings_never_give_a_server_error(
    client: Client, mel_staff: User, name: str
) -> None:
    login(client, mel_staff)
    for query in BAD_QUERIES:
        url = f"{reverse('exports:export', args=[name])}?{query}"
        response = client.get(url)
        assert response.status_code in (200, 400), (query, response.status_code)
        if response.status_code == 400:
            assert "Choisissez le format CSV ou Excel" in response.content.decode()
        elif response.streaming:
            read_csv(response) if response["Content-Type"].startswith("text/csv") else None
    assert client.get(reverse("exports:export", args=["inconnue"])).status_code == 404


def _export_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        rows = read_csv(response)
    assert len(rows) > 1
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "grow"),
    [
        ("projets", lambda org: _make_projects(20, org)),
        ("parcours", lambda org: _make_journeys(10, org)),
        ("candidatures", lambda org: make_waiting_applications(10)),
        ("mes-taches", lambda org: _make_journeys(10, org)),
    ],
)
def test_an_export_costs_the_same_queries_for_few_and_many_rows(
    client: Client,
    mel_staff: User,
    incubator_x: Organisation,
    name: str,
    grow: Callable[[Organisation], None],
) -> None:
    grow(incubator_x)
    login(client, mel_staff)
    url = export_url(name, "q=&tri=nom&commune=")
    _export_queries(client, url)  # caches (content types, permissions) filled
    small = _export_queries(client, url)
    grow(incubator_x)
    grow(incubator_x)
    assert _export_queries(client, url) == small


@pytest.mark.parametrize("persona", ["financier_member", "committee_member", "mel_staff"])
def test_applications_export_for_a_financier_and_a_committee_is_their_page(
    client: Client,
    request: pytest.FixtureRequest,
    committee: Organisation,
    financier_f: Organisation,
    mel_staff: User,
    persona: str,
) -> None:
    _make_dossiers_for_committee_and_financier(3, committee, financier_f, mel_staff)
    make_waiting_applications(2)  # nobody's but MEL staff's
    login(client, request.getfixturevalue(persona))
    for query in ("", "tri=-date"):
        objects, rows = page_and_export(client, "candidatures", query)
        assert [row[0] for row in rows[1:]] == _keys(objects)
    assert len(objects) == {"financier_member": 3, "committee_member": 0, "mel_staff": 5}[persona]
    objects, rows = page_and_export(client, "seances")
    assert len(rows) - 1 == len(objects)


@pytest.mark.parametrize("persona", ["mel_staff", "incubator_x_member"])
def test_inbox_export_is_the_page_per_persona(
    client: Client,
    request: pytest.FixtureRequest,
    mel_staff: User,
    incubator_x: Organisation,
    persona: str,
) -> None:
    from workflows.routing import task_dossier

    _make_journeys(4, incubator_x)
    login(client, request.getfixturevalue(persona))
    for query in ("", "tri=-date", "type=parcours&q=porteur"):
        objects, rows = page_and_export(client, "mes-taches", query)
        assert [row[2] for row in rows[1:]] == [task_dossier(t).project.title for t in objects]
        assert len(objects) == 2

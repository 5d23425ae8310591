"""The evaluation lab's pseudonymised extract: nothing personal leaves, pseudonyms hold within
one export and not across two, the dictionary describes exactly the files, only the
steering reader and MEL staff get it, and its cost in queries does not grow with the data."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune
from audit.models import AuditAction, AuditRecord
from steering.lab import archive
from steering.lab.archive import FILES
from tests.factories.applicants import ProjectFactory
from tests.steering.lab_helpers import SECRETS, all_text, download, read_zip, seeded_dossier
from tests.test_query_counts import _make_dossiers_for_committee_and_financier
from tests.workflows.conftest import roubaix, submit_first_contact

pytestmark = pytest.mark.django_db
__all__ = ["roubaix"]  # the fixture, used by name


@pytest.fixture
def seeded(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
) -> Any:
    app = seeded_dossier(
        client, roubaix, mel_staff, incubator_x, incubator_x_member, committee, financier_f
    )
    # A journey that has not reached the application stage.
    submit_first_contact(Client(), roubaix, email="yvette@example.org", title="Ressourcerie")
    return app


def test_no_name_contact_address_identifier_or_free_text_of_the_people_leaves(
    client: Client, seeded: Any, lab_member: User
) -> None:
    response, body = download(client, lab_member)
    assert response.status_code == 200
    text = all_text(body).casefold()
    leaked = [what for what, value in SECRETS.items() if value.casefold() in text]
    assert leaked == []
    assert "yvette" not in text
    assert "ressourcerie" not in text


def test_the_extract_holds_the_dossiers_their_lines_and_reports_with_what_the_lab_needs(
    client: Client, seeded: Any, lab_member: User
) -> None:
    _, body = download(client, lab_member)
    files = read_zip(body)
    with zipfile.ZipFile(io.BytesIO(body)) as zipped:
        assert sorted(zipped.namelist()) == sorted(
            ["dossiers.csv", "financements.csv", "suivis.csv", "dictionnaire.csv", "LISEZMOI.txt"]
        )
        readme = zipped.read("LISEZMOI.txt").decode()
    assert "DÉLÉGUÉ À LA PROTECTION DES DONNÉES" in readme
    assert "3 lignes" in readme  # dossiers: the funded one, the journey, the project
    dossiers = files["dossiers.csv"]
    assert len(dossiers) == 3
    funded = next(r for r in dossiers if r["statut_candidature"])
    assert funded["commune_insee"] == "59512"
    assert funded["commune"] == "Roubaix"
    assert funded["qpv"] in ("oui", "non", "inconnu")
    assert funded["secteur"] == "Alimentation"
    assert funded["forme_juridique"] == "Coopérative, mutuelle ou fondation"  # a SCOP
    assert funded["structure_accompagnement"] == "Incubateur X"
    assert funded["conclusion_accompagnement"] == "Prêt à candidater (avis favorable)"
    assert funded["date_fin_parcours"]
    assert funded["genre"] == "Femme"
    assert funded["tranche_age"] == "36 à 45 ans"
    assert funded["date_convention"] == "2027-03"  # a month, never the day
    assert funded["subvention_accordee"] == "5\u202f000\u00a0€ \u2013 9\u202f999\u00a0€"  # 9 000
    assert funded["montant_verse"] == "5\u202f000\u00a0€ \u2013 9\u202f999\u00a0€"  # 6 000
    assert funded["etape_atteinte"] == "Financement"
    assert funded["date_premier_contact"]
    assert funded["date_depot"]
    assert funded["date_decision"]
    others = [r for r in dossiers if not r["statut_candidature"]]
    assert {r["etape_atteinte"] for r in others} == {
        "Premier contact",
        "Projet décrit, sans premier contact",
    }
    assert {r["genre"] for r in others} == {"Non renseigné"}
    (line,) = files["financements.csv"]
    assert line["financeur"] == "Financeur solidaire F"
    assert line["decision"] == "Accordé"
    assert line["montant_accorde"] == "5\u202f000\u00a0€ \u2013 9\u202f999\u00a0€"
    (report,) = files["suivis.csv"]
    assert report["emplois_crees"] == "1,50"
    assert report["embauches_qpv"] == "1"
    assert report["chiffre_affaires"] == "80\u202f000\u00a0€ \u2013 84\u202f999\u00a0€"
    assert report["activite_en_cours"] == "oui"


def test_pseudonyms_are_stable_within_an_export_and_differ_across_two(
    client: Client, seeded: Any, lab_member: User
) -> None:
    first = read_zip(download(client, lab_member)[1])
    second = read_zip(download(client, lab_member)[1])
    for files in (first, second):
        dossiers = {r["dossier"] for r in files["dossiers.csv"]}
        assert len(dossiers) == 3
        assert all(d.startswith("D-") for d in dossiers)
        assert all(r["personne"].startswith("P-") for r in files["dossiers.csv"])
        assert {r["dossier"] for r in files["financements.csv"]} <= dossiers
        assert {r["dossier"] for r in files["suivis.csv"]} <= dossiers
        funded = next(r for r in files["dossiers.csv"] if r["statut_candidature"])
        assert files["suivis.csv"][0]["dossier"] == funded["dossier"]
    pseudonyms = [
        {r[k] for r in files["dossiers.csv"] for k in ("dossier", "personne")}
        for files in (first, second)
    ]
    assert pseudonyms[0].isdisjoint(pseudonyms[1])


def test_the_dictionary_lists_exactly_the_columns_of_the_files(
    client: Client, seeded: Any, mel_staff: User
) -> None:
    _, body = download(client, mel_staff)
    with zipfile.ZipFile(io.BytesIO(body)) as zipped:
        text = zipped.read("dictionnaire.csv").decode("utf-8-sig")
        headers = {
            name: next(
                csv.reader(io.StringIO(zipped.read(name).decode("utf-8-sig")), delimiter=";")
            )
            for name in ("dossiers.csv", "financements.csv", "suivis.csv")
        }
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    described = [(r["fichier"], r["colonne"]) for r in rows]
    actual = [(name, column) for name, header in headers.items() for column in header]
    assert described == actual
    assert all(r["signification"] and r["type"] for r in rows)


def test_each_download_is_recorded_with_who_and_how_many_rows(
    client: Client, seeded: Any, lab_member: User
) -> None:
    response, _ = download(client, lab_member)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    record = AuditRecord.objects.get(action=AuditAction.DOWNLOAD, object_ref="steering.labdataset")
    assert record.actor_id == lab_member.pk
    assert record.after == {"lignes": {"dossiers.csv": 3, "financements.csv": 1, "suivis.csv": 1}}


# Who may have it --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lab_member", 200),
        ("mel_staff", 200),
        ("steering_reader", 403),  # the Comité reads aggregates, never rows
        ("admin_user", 200),
        ("applicant_a", 403),
        ("incubator_x_member", 403),
        ("committee_member", 403),
        ("financier_member", 403),
    ],
)
def test_only_the_lab_and_mel_staff_see_the_page_and_download(
    client: Client, request: pytest.FixtureRequest, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse("steering:lab_dataset")
    assert client.get(url).status_code == status
    response = client.post(url)
    assert response.status_code == status
    if status == 403:
        assert not AuditRecord.objects.filter(object_ref="steering.labdataset").exists()
    else:
        b"".join(cast(Any, response).streaming_content)


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.post(reverse("steering:lab_dataset"))
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]


# The page --------------------------------------------------------------------------------


def test_the_page_explains_the_extract_and_shows_an_accessible_dictionary(
    client: Client, seeded: Any, lab_member: User
) -> None:
    client.force_login(lab_member)
    page = client.get(reverse("steering:lab_dataset")).content.decode()
    assert "<h1>Données pour le laboratoire d&#x27;évaluation</h1>" in page or (
        "<h1>Données pour le laboratoire d'évaluation</h1>" in page
    )
    assert "Télécharger l'extrait" in page
    assert 'method="post"' in page
    assert "3\u00a0lignes" in page or "3 lignes" in page
    for lab_file in FILES:
        assert f"<caption>Colonnes du fichier {lab_file.name}</caption>" in page
        for column in lab_file.columns:
            assert f'<th scope="row"><code>{column.name}</code></th>' in page
    assert page.count('<th scope="col">Colonne</th>') == len(FILES)
    assert page.count("<table>") == page.count("<caption>") == len(FILES)


def test_the_page_and_the_readme_state_the_small_cell_threshold_of_the_setting(
    client: Client, seeded: Any, lab_member: User, settings: Any
) -> None:
    settings.STATISTICS_MIN_CELL = 7
    client.force_login(lab_member)
    page = client.get(reverse("steering:lab_dataset")).content.decode()
    assert "jamais une case de moins de 7 personnes" in page
    assert "moins de 5" not in page
    assert "dates sont données au mois (AAAA-MM)" in page
    with zipfile.ZipFile(io.BytesIO(download(client, lab_member)[1])) as archive:
        readme = archive.read("LISEZMOI.txt").decode()
    assert "sans case de moins de 7 personnes" in readme
    assert "dates au mois (AAAA-MM)" in readme


# Cost -------------------------------------------------------------------------------------


def _queries_for_download(
    client: Client, user: User, capture: Callable[..., Any]
) -> tuple[int, dict[str, list[dict[str, str]]]]:
    client.force_login(user)
    client.get("/")  # a running server's caches (content types, sessions) filled
    with capture() as queries:
        response = client.post(reverse("steering:lab_dataset"))
        body = b"".join(cast(Any, response).streaming_content)
    return len(queries), read_zip(body)


def test_the_extract_costs_the_same_queries_for_few_and_many_dossiers(
    client: Client,
    committee: Organisation,
    financier_f: Organisation,
    mel_staff: User,
    lab_member: User,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(archive, "CHUNK_ROWS", 3)  # several chunks even for a few rows

    def capture() -> Any:
        return CaptureQueriesContext(connection)

    def page_queries() -> int:
        with capture() as queries:
            assert client.get(reverse("steering:lab_dataset")).status_code == 200
        return len(queries)

    _make_dossiers_for_committee_and_financier(2, committee, financier_f, mel_staff)
    ProjectFactory.create_batch(2)
    small, few = _queries_for_download(client, lab_member, capture)
    small_page = page_queries()
    _make_dossiers_for_committee_and_financier(10, committee, financier_f, mel_staff)
    ProjectFactory.create_batch(20)
    large, many = _queries_for_download(client, lab_member, capture)
    assert (len(few["dossiers.csv"]), len(many["dossiers.csv"])) == (4, 34)
    assert len(many["financements.csv"]) > len(few["financements.csv"])
    assert small == large
    assert small_page == page_queries()


def test_pseudonyms_are_prefixed_keyed_per_export_and_never_empty_for_a_record() -> None:
    from steering.lab.pseudonyms import Pseudonyms

    one, other = Pseudonyms(), Pseudonyms()
    assert one.person(7) == one.person(7)
    assert one.person(7) != one.dossier(7)  # a person and a dossier of the same id differ
    assert one.person(7) != other.person(7)
    assert re.fullmatch(r"P-[0-9A-F]{16}", one.person(7))
    assert re.fullmatch(r"D-[0-9A-F]{16}", one.dossier(7))
    assert one.person(None) == ""

"""The applications list: one search box (accents and case ignored), filters, sort keys,
paging that keeps them, on what the reader may see only."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applicants.models import QpvDetermination, QpvOutcome, QpvSource
from tests.workflows.list_helpers import draft_dossiers, perenchies, rename
from workflows.application import views
from workflows.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db

URL = "/candidatures/"


def _titles(client: Client, **query: str) -> list[str]:
    response = client.get(reverse("workflows:application_list"), query)
    assert response.status_code == 200
    return [application.project.title for application in response.context["page"]]


@pytest.fixture
def named(db: None) -> list[Application]:
    first, second, third = draft_dossiers(3)
    return [
        rename(
            first,
            title="Épicerie des Flandres",
            first_name="Émilie",
            last_name="Lefèvre",
            commune=perenchies(),
            siret="73282932000074",
            requested_amount=Decimal("12000"),
        ),
        rename(
            second,
            title="Atelier vélo",
            first_name="Bruno",
            last_name="Martin",
            requested_amount=Decimal("30000"),
        ),
        rename(third, title="Recyclerie Œuvre commune", first_name="Zoé", last_name="Dubois"),
    ]


@pytest.mark.parametrize(
    "query",
    ["perenchies", "PÉRENCHIES", "Peren", "emilie", "ÉMILIE lefevre", "epicerie", "flandres"],
)
def test_search_ignores_accents_and_case_on_names_projects_and_communes(
    client: Client, mel_staff: User, named: list[Application], query: str
) -> None:
    client.force_login(mel_staff)
    assert _titles(client, q=query) == ["Épicerie des Flandres"]


@pytest.mark.parametrize("query", ["73282932000074", "732829320", "732 829 320 00074"])
def test_search_finds_a_dossier_by_its_siret_or_siren(
    client: Client, mel_staff: User, named: list[Application], query: str
) -> None:
    client.force_login(mel_staff)
    assert _titles(client, q=query) == ["Épicerie des Flandres"]


def test_search_reads_ligatures_and_needs_every_word(
    client: Client, mel_staff: User, named: list[Application]
) -> None:
    client.force_login(mel_staff)
    assert _titles(client, q="oeuvre") == ["Recyclerie Œuvre commune"]
    assert _titles(client, q="velo martin") == ["Atelier vélo"]
    assert _titles(client, q="velo dubois") == []


def test_a_search_made_only_of_punctuation_or_too_long_never_fails(
    client: Client, mel_staff: User, named: list[Application]
) -> None:
    client.force_login(mel_staff)
    assert len(_titles(client, q="'&|!:*()")) == 3
    response = client.get(URL, {"q": "é" * 5000})
    assert response.status_code == 200


def test_the_count_says_how_many_dossiers_match_with_a_french_plural(
    client: Client, mel_staff: User, named: list[Application]
) -> None:
    client.force_login(mel_staff)
    page = html.unescape(client.get(URL, {"q": "epicerie"}).content.decode())
    assert "1 dossier correspond à votre recherche." in page
    page = html.unescape(client.get(URL, {"q": "roubaix"}).content.decode())
    assert "2 dossiers correspondent à votre recherche." in page
    page = html.unescape(client.get(URL).content.decode())
    assert "3 dossiers." in page
    assert "Effacer les filtres" not in page


def test_an_incubator_cannot_find_a_dossier_outside_its_portfolio_by_searching(
    client: Client, on_agenda: Application, incubator_x_member: User, mel_staff: User
) -> None:
    (other,) = draft_dossiers(1)
    rename(other, title="Conserverie de Pérenchies", first_name="Émilie", last_name="Secret")
    client.force_login(incubator_x_member)
    assert _titles(client, q="conserverie") == []
    assert _titles(client, q="secret") == []
    assert _titles(client, q=on_agenda.project.title) == [on_agenda.project.title]
    client.force_login(mel_staff)
    assert _titles(client, q="conserverie") == ["Conserverie de Pérenchies"]


def test_filters_on_stage_commune_and_qpv_combine_with_the_search(
    client: Client, mel_staff: User, named: list[Application]
) -> None:
    _, atelier, _ = named
    Application.objects.filter(pk=atelier.pk).update(stage=ApplicationStatus.INCOMPLETE)
    determination = QpvDetermination.objects.create(
        project=atelier.project, outcome=QpvOutcome.INSIDE, source=QpvSource.VERIFIED
    )
    atelier.project.current_qpv = determination
    atelier.project.save(update_fields=["current_qpv"])
    client.force_login(mel_staff)
    assert _titles(client, etape="incomplete") == ["Atelier vélo"]
    assert _titles(client, commune="59457") == ["Épicerie des Flandres"]
    assert _titles(client, qpv="inside") == ["Atelier vélo"]
    assert _titles(client, qpv="inside", q="epicerie") == []
    assert set(_titles(client, retard="non")) == {t.project.title for t in named}
    assert _titles(client, retard="oui") == []


def test_a_wrong_filter_value_says_why_in_french_and_the_others_still_apply(
    client: Client, mel_staff: User, named: list[Application]
) -> None:
    client.force_login(mel_staff)
    response = client.get(URL, {"commune": "zzz", "seance": "abc", "q": "velo", "tri": "x"})
    assert response.status_code == 200
    assert [a.project.title for a in response.context["page"]] == ["Atelier vélo"]
    page = html.unescape(response.content.decode())
    assert "Sélectionnez un choix valide" in page
    assert 'value="velo"' in page  # what was typed stays


def test_sorting_by_amount_both_ways_puts_empty_amounts_last_and_marks_the_column(
    client: Client, mel_staff: User, named: list[Application]
) -> None:
    client.force_login(mel_staff)
    ascending = ["Épicerie des Flandres", "Atelier vélo", "Recyclerie Œuvre commune"]
    assert _titles(client, tri="montant") == ascending
    assert _titles(client, tri="-montant") == [
        "Atelier vélo",
        "Épicerie des Flandres",
        ascending[2],
    ]
    # French order: "Épicerie" with the E's.
    assert _titles(client, tri="nom") == ["Atelier vélo", "Épicerie des Flandres", ascending[2]]
    page = client.get(URL, {"tri": "montant", "q": "e"}).content.decode()
    assert 'aria-sort="ascending"' in page
    assert "?q=e&amp;tri=-montant" in page  # the next click reverses, the search stays


def test_paging_links_keep_the_search_filters_and_sort(
    client: Client, mel_staff: User, named: list[Application], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(mel_staff)
    response = client.get(URL, {"q": "roubaix", "tri": "nom"})
    assert "?q=roubaix&amp;tri=nom&amp;page=2" in response.content.decode()
    second = client.get(URL, {"q": "roubaix", "tri": "nom", "page": "2"})
    assert [a.project.title for a in second.context["page"]] == ["Recyclerie Œuvre commune"]


def test_the_filter_form_is_labelled_grouped_and_works_without_script(
    client: Client, mel_staff: User, named: list[Application]
) -> None:
    client.force_login(mel_staff)
    page = html.unescape(client.get(URL, {"q": "velo"}).content.decode())
    for tag in ('<form method="get"', "<fieldset>", "<legend>", '<label for="id_q">'):
        assert tag in page
    assert 'aria-describedby="id_q_aide"' in page
    assert ">Filtrer</button>" in page
    assert f'<a href="{URL}">Effacer les filtres</a>' in page

"""The public open-data page and its downloads: no sign-in, plain French, cacheable, the
same number of queries for 2 grants and for 12, and a French 404 for a year that makes no
sense."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.conftest import login
from tests.opendata.grants import Grants

pytestmark = pytest.mark.django_db

D = datetime.date


def _body(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def test_the_page_says_what_is_published_why_and_gives_each_year_its_files(
    client: Client, grants: Grants
) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4))
    grants.make("24500.50", signed_on=D(2025, 6, 4))
    grants.make("26000", signed_on=D(2024, 9, 1))
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    text = response.content.decode()
    for words in (
        "Données ouvertes : les subventions de plus de 23\u202f000\u00a0€",
        "décret\n  n<sup>o</sup>&nbsp;2017-779",
        "Aucune information sur une personne physique n'est publiée",
        "<caption>Conventions publiées, par année de signature</caption>",
        '<th scope="row">2025</th>',
        "<td>2</td>",
        "54\u202f500,50\u00a0€",
        "Une subvention d'exactement\n  23\u202f000\u00a0€ n'est pas concernée",
        "Au total&nbsp;: 3 conventions",
        'href="/donnees-ouvertes/subventions-2025.csv"',
        'href="/donnees-ouvertes/subventions-2024.json"',
        "Licence Ouverte / Open Licence 2.0",
        "version&nbsp;2.1.1",
        "Dernière mise à jour des données",
    ):
        assert words in text, words
    assert text.index(">2025<") < text.index(">2024<")  # newest year first
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]


def test_the_page_without_grants_says_there_is_nothing_to_publish_yet(client: Client) -> None:
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    assert "il n'y a rien à publier pour l'instant" in response.content.decode()


def test_a_signed_in_persons_copy_of_the_page_is_not_shared_by_caches(
    client: Client, mel_staff: User
) -> None:
    login(client, mel_staff)
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("csv", "text/csv; charset=utf-8"), ("json", "application/json")]
)
def test_a_file_is_downloaded_without_signing_in_cached_and_revalidated(
    client: Client, grants: Grants, fmt: str, content_type: str
) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4))
    url = reverse(f"opendata:{fmt}", args=[2025])
    assert url == f"/donnees-ouvertes/subventions-2025.{fmt}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming  # written row by row, never held whole in memory
    assert response["Content-Type"] == content_type
    assert "30000" in _body(response).decode()
    cache = response["Cache-Control"]
    assert "public" in cache
    assert "max-age=3600" in cache
    assert "no-store" not in cache
    etag = response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    grants.make("31000", signed_on=D(2025, 5, 4))  # the file changed: a new ETag
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_a_year_in_range_without_grants_is_an_empty_file_not_an_error(client: Client) -> None:
    response = client.get(reverse("opendata:csv", args=[2018]))
    assert response.status_code == 200
    assert _body(response).decode().startswith("nomAttribuant,idAttribuant,")


@pytest.mark.parametrize(
    "path",
    [
        "/donnees-ouvertes/subventions-2016.csv",  # before the decree
        "/donnees-ouvertes/subventions-2999.json",  # the future
        "/donnees-ouvertes/subventions-0.csv",
        "/donnees-ouvertes/subventions-99999999999999999999999.csv",
        "/donnees-ouvertes/subventions-deux-mille.csv",
        "/donnees-ouvertes/subventions-2025.xlsx",
        "/donnees-ouvertes/subventions--2025.csv",
    ],
)
def test_an_unknown_or_absurd_year_is_a_french_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        _body(response)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/donnees-ouvertes/",
        "/donnees-ouvertes/subventions-2025.csv",
        "/donnees-ouvertes/subventions-2025.json",
    ],
)
def test_the_page_and_files_cost_the_same_queries_for_2_and_12_grants(
    client: Client, grants: Grants, url: str, django_assert_max_num_queries: Callable
) -> None:
    def grow(n: int) -> None:
        for i in range(n):
            grants.make(f"{25000 + i}.5{i % 10}", signed_on=D(2025, 1 + i % 12, 3),
                        tranches=[("20000", D(2025, 12, 1)), (f"{5000 + i}.5{i % 10}", None)])  # fmt: skip

    grow(2)
    client.get(url)  # caches a running server keeps (content types) filled
    small = _queries(client, url)
    grow(10)
    with django_assert_max_num_queries(small):
        large = _queries(client, url)
    assert small == large
    assert small <= 2

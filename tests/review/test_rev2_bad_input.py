"""Review probes: bad input on the indicators page never gives a 5xx."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db
QUERIES = [
    "axe=99999999999999999999999",
    "programme=-1",
    "axe=%00",
    "periode=x",
    "periode=dates&du=0001-01-01&au=9999-12-31",
    "periode=dates&du=31/02/2027&au=01/03/2027",
    "du=2027-01-01",
    "au=2027-01-01",
    "periode=dates&du=2027-01-01&au=2027-01-01&axe=1&programme=1",
    "periode=2027-01-01_2027-06-30x",
    "du=2027-01-01&au=2026-01-01",
]


@pytest.mark.parametrize("query", QUERIES)
def test_no_5xx(client: Client, steering_reader: User, query: str) -> None:
    client.force_login(steering_reader)
    response = client.get("/pilotage/indicateurs/?" + query)
    assert response.status_code < 500, (query, response.status_code)


def test_recompute_bad_query(client: Client, mel_staff: User) -> None:
    client.force_login(mel_staff)
    for query in [
        "axe=99999999999999999999999",
        "periode=dates&du=x",
        "%ff%fe=1",
        "du=2027-01-01&au=2027-01-02",
    ]:
        response = client.post("/pilotage/indicateurs/recalculer/", {"query": query})
        assert response.status_code < 500, (query, response.status_code)

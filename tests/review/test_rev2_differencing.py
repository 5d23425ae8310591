"""Review proof: two overlapping periods one day apart describe the one person of that day.

Adapted after the fix. The computation cannot tell a harmless period from a differencing one
(the proof's plan_indicators(4-5 Jan) - plan_indicators(5 Jan) is still the target's
request): the rule lives where a reader chooses. A reader who does not see the dossiers (the
Comité, the lab) may only ask for whole semesters of the whole plan, on the page and in the
API, so the two periods of the proof cannot both be asked; MEL staff, who see every dossier
anyway, still can."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from steering.models import IndicatorSnapshot
from steering.selectors import RESTRICTED_PERIODS
from tests.conftest import login
from tests.steering.builders import day, dossier

pytestmark = pytest.mark.django_db
APPLIED = (("draft", day(2)), ("submitted", day(3)))
WIDE = {"debut": day(0).date().isoformat(), "fin": day(1).date().isoformat()}
NARROW = {"debut": day(1).date().isoformat(), "fin": day(1).date().isoformat()}
SEMESTER = {"debut": "2027-01-01", "fin": "2027-06-30"}


@pytest.fixture(autouse=True)
def _world() -> Any:
    for _ in range(3):
        dossier(first=day(1), application=APPLIED, requested="10000", gender="woman")
        dossier(first=day(1), application=APPLIED, requested="10000", gender="man")
    dossier(first=day(0), application=APPLIED, requested="12345", gender="man")  # the target
    with time_machine.travel(day(30), tick=False):
        yield


def _page(client: Client, user: User, query: dict[str, str]) -> str:
    login(client, user)
    page = {"periode": "dates", "du": query["debut"], "au": query["fin"]}
    response = client.get("/pilotage/indicateurs/", page)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["steering_reader", "lab_member"])
def test_a_reader_cannot_ask_for_the_two_overlapping_periods(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    for query in (WIDE, NARROW):
        assert RESTRICTED_PERIODS in _page(client, user, query).replace("&#x27;", "'")
        api = client.get("/api/v1/indicateurs/", query)
        assert api.status_code == 400
        assert api.json() == {"non_field_errors": [RESTRICTED_PERIODS]}
    assert not IndicatorSnapshot.objects.exists()  # nothing computed for them
    assert client.get("/api/v1/indicateurs/", SEMESTER).status_code in (200, 202)


def test_a_reader_cannot_difference_the_plan_and_an_axis(
    client: Client, steering_reader: User
) -> None:
    login(client, steering_reader)
    api = client.get("/api/v1/indicateurs/", {**SEMESTER, "axe": "1"})
    assert api.status_code == 400
    page = client.get("/pilotage/indicateurs/", {"periode": "2027-01-01_2027-06-30", "axe": "1"})
    assert RESTRICTED_PERIODS in page.content.decode().replace("&#x27;", "'")


def test_mel_staff_keep_any_dates(client: Client, mel_staff: User) -> None:
    assert RESTRICTED_PERIODS not in _page(client, mel_staff, NARROW).replace("&#x27;", "'")
    assert client.get("/api/v1/indicateurs/", WIDE).status_code in (200, 202)

"""The indicators page: who may read it, what it shows, what it costs, and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from steering.indicators.types import Period
from steering.models import IndicatorSnapshot
from steering.services import snapshot_recompute
from tests.conftest import login
from tests.steering.builders import day, dossier

pytestmark = pytest.mark.django_db
URL = "/pilotage/indicateurs/"
SEMESTER = "2027-01-01_2027-06-30"


@pytest.fixture(autouse=True)
def _in_2027(settings: Any) -> Any:
    import time_machine

    with time_machine.travel(day(30), tick=False):
        yield


def _get(client: Client, user: User, **query: str) -> Any:
    login(client, user)
    return client.get(URL, query)


def test_mel_staff_and_the_steering_reader_read_the_indicators(
    client: Client, mel_staff: User, steering_reader: User
) -> None:
    assert _get(client, mel_staff).status_code == 200
    client.logout()
    assert _get(client, steering_reader).status_code == 200


def test_applicants_and_partners_are_refused(
    client: Client, applicant_a: User, incubator_x_member: User, financier_member: User
) -> None:
    for user in (applicant_a, incubator_x_member, financier_member):
        client.logout()
        assert _get(client, user).status_code == 403


def test_the_former_figures_page_moved_for_good(client: Client) -> None:
    response = client.get("/pilotage/chiffres/")
    assert response.status_code == 301
    assert response["Location"] == reverse("steering:indicators")


def test_the_page_shows_every_section_with_accessible_charts_and_tables(
    client: Client, steering_reader: User
) -> None:
    for _ in range(4):
        dossier(first=day(0), journey=(("orientation", day(2)),))
    body = _get(client, steering_reader).content.decode()
    for title in (
        "Du premier contact au suivi",
        "Les montants",
        "Les délais",
        "L'impact",
        "L'égalité d'accès",
    ):
        assert title.replace("'", "&#x27;") in body, title
    assert 'role="img"' in body
    assert "<title id=" in body
    assert "<desc id=" in body
    assert body.count("<caption>") == body.count("<table>")
    assert '<th scope="row">Premiers contacts</th>' in body
    assert "style=" not in body
    assert "<script>" not in body
    assert "Chiffres arrêtés le" in body
    assert "(recalculés chaque nuit)" in body


def test_small_counts_read_less_than_the_threshold_and_name_nobody(
    client: Client, steering_reader: User
) -> None:
    built = dossier(first=day(0), journey=(("orientation", day(2)),))
    body = _get(client, steering_reader).content.decode()
    assert "non publié" in body
    assert built.journey.project.title not in body


def test_staff_may_recompute_the_reader_may_not(
    client: Client, mel_staff: User, steering_reader: User
) -> None:
    snapshot_recompute(period=Period.semester_of(day(30).date()))
    assert "Recalculer maintenant" not in _get(client, steering_reader).content.decode()
    refused = client.post(reverse("steering:indicators_recompute"), {"query": ""})
    assert refused.status_code == 403
    client.logout()
    assert "Recalculer maintenant" in _get(client, mel_staff).content.decode()
    dossier(first=day(1))
    response = client.post(
        reverse("steering:indicators_recompute"), {"query": f"periode={SEMESTER}"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?periode={SEMESTER}")
    snapshot = IndicatorSnapshot.objects.get(scope="plan", period_start="2027-01-01")
    assert snapshot.data is not None
    assert snapshot.data["sections"][0]["figures"][0]["value"]["display"] == "non publié"


def test_a_period_still_being_computed_says_so_and_offers_to_reload(
    client: Client, mel_staff: User
) -> None:
    """A worker took the request a moment ago: the page waits for it, asks nothing again."""
    IndicatorSnapshot.objects.create(
        period_start="2027-02-01", period_end="2027-03-15", scope="plan"
    )
    body = _get(client, mel_staff, periode="dates", du="2027-02-01", au="2027-03-15")
    text = body.content.decode()
    assert "Calcul en cours" in text
    assert 'http-equiv="refresh"' not in text  # the reader chooses when (WCAG 2.2.1)
    assert "recharger la page" in text


def test_a_request_lost_long_ago_is_computed_again(client: Client, mel_staff: User) -> None:
    IndicatorSnapshot.objects.create(
        period_start="2027-02-01", period_end="2027-03-15", scope="plan", requested_at=day(-10)
    )
    text = _get(client, mel_staff, periode="dates", du="01/02/2027", au="15/03/2027")
    assert "Chiffres calculés le" in text.content.decode()  # on demand: not "chaque nuit"


def test_mel_staff_choose_any_dates_computed_on_demand(client: Client, mel_staff: User) -> None:
    """Celery runs eagerly here as in the demo: the page shows the result at once."""
    body = _get(client, mel_staff, periode="dates", du="2027-02-01", au="2027-03-15")
    text = body.content.decode()
    assert "du 1er\u00a0février\u00a02027 au 15\u00a0mars\u00a02027" in text
    assert IndicatorSnapshot.objects.filter(period_start="2027-02-01").count() == 1
    # Not a period the nightly task computes: the page must not promise it.
    assert "Chiffres calculés le" in text
    assert "(recalculés chaque nuit)" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"periode": "dates", "du": "2027-03-15", "au": "2027-02-01"}, "date de fin doit être"),
        ({"periode": "dates", "du": "0001-01-01", "au": "2027-02-01"}, "Saisissez une date entre"),
        ({"periode": "dates", "du": "31/02/2027", "au": "2027-03-01"}, "Saisissez une date, par"),
        ({"periode": "dates", "du": "2027-03-01"}, "Saisissez la date de fin"),
        ({"periode": "dates", "du": "2016-01-01", "au": "2027-12-31"}, "dix ans au plus"),
        ({"periode": "1999-01-01_2099-12-31"}, "Choisissez une période de la liste"),
        ({"axe": "999999999999999999999"}, "Choisissez un élément de la liste"),
        ({"programme": "abc"}, "Choisissez un élément de la liste"),
    ],
)
def test_bad_input_gets_a_french_message_never_an_error_page(
    client: Client, mel_staff: User, query: dict[str, str], message: str
) -> None:
    response = _get(client, mel_staff, **query)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert "<title>Erreur\u00a0: " in text
    assert not IndicatorSnapshot.objects.exists()


def _count(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"periode": SEMESTER})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_queries_for_3_and_60_dossiers(
    client: Client, steering_reader: User
) -> None:
    login(client, steering_reader)
    semester = Period.semester_of(day(0).date())
    for _ in range(3):
        dossier(first=day(0), journey=(("orientation", day(2)),))
    snapshot_recompute(period=semester)
    _count(client)  # a running server's caches (content types, permission ids) filled
    small = _count(client)
    for _ in range(57):
        dossier(first=day(1), application=(("draft", day(3)), ("submitted", day(4))))
    snapshot_recompute(period=semester)
    large = _count(client)
    assert small == large
    assert small <= 12


def test_a_reader_chooses_among_whole_semesters_only_and_is_told_why(
    client: Client, steering_reader: User, mel_staff: User
) -> None:
    page = _get(client, steering_reader).content.decode()
    assert "Vous choisissez un semestre entier, pour tout le plan" in page
    assert 'name="du"' not in page
    assert 'name="axe"' not in page
    assert "Autres dates" not in page
    assert "Année 2027" not in page
    staff_page = _get(client, mel_staff).content.decode()
    assert 'name="du"' in staff_page
    assert "Année 2027" in staff_page
    assert "Vous choisissez un semestre entier" not in staff_page


@pytest.mark.parametrize(
    "query",
    [
        {"periode": "dates", "du": "2027-02-01", "au": "2027-03-15"},
        {"du": "2027-01-01", "au": "2027-01-02"},
        {"periode": SEMESTER, "axe": "1"},
        {"periode": SEMESTER, "programme": "entreprendre-autrement"},
        {"periode": "2027-01-01_2027-12-31"},  # a year: minus a semester, the other one
    ],
)
def test_a_reader_asking_other_periods_or_scopes_gets_a_french_message(
    client: Client, steering_reader: User, query: dict[str, str]
) -> None:
    response = _get(client, steering_reader, **query)
    assert response.status_code == 200
    assert "<title>Erreur\u00a0: " in response.content.decode()
    assert not IndicatorSnapshot.objects.exists()

"""Staff lists with the search box, filters and a sort on cost the same number of queries
for a few rows and for many (the pattern of ``tests/test_query_counts.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from tests.conftest import login
from tests.test_query_counts import (
    FILTERED_LIST_MAX_QUERIES,
    LARGE,
    SMALL,
    _count,
    _make_dossiers_for_committee_and_financier,
    _make_journeys,
    _make_projects,
    _make_sessions,
)

pytestmark = pytest.mark.django_db

# Every filter set to a value rows have, so that the large list really holds many rows.
PROJECT_QUERY = "?q=roubaix&commune=59512&qpv=to_verify&tri=-nom"
JOURNEY_QUERY = "?q=porteur+roubaix&commune=59512&retard=non&tri=echeance"
APPLICATION_QUERY = "?q=candidat+roubaix&etape=draft&commune=59512&retard=non&tri=-montant"


def _same_cost(
    client: Client, url: str, grow: Callable[[], None], assert_max: Callable
) -> tuple[int, int]:
    client.get(url)  # a running server's caches (content types, permission ids) filled
    small = _count(client, url)
    grow()
    with assert_max(FILTERED_LIST_MAX_QUERIES):
        large = _count(client, url)
    return small, large


@pytest.mark.parametrize(
    ("url_name", "query"),
    [("applicants:project_list", PROJECT_QUERY), ("applicants:qpv_queue", "?q=roubaix&tri=nom")],
)
def test_project_lists_searched_and_filtered_cost_the_same_for_3_and_60_projects(
    client: Client,
    mel_staff: User,
    incubator_x: Organisation,
    url_name: str,
    query: str,
    django_assert_max_num_queries: Callable,
) -> None:
    login(client, mel_staff)
    _make_projects(SMALL, incubator_x)
    url = reverse(url_name) + query + f"&accompagnement={incubator_x.pk}"
    small, large = _same_cost(
        client,
        url,
        lambda: _make_projects(LARGE - SMALL, incubator_x),
        django_assert_max_num_queries,
    )
    assert small == large
    assert client.get(url).context["page"].paginator.count == LARGE


@pytest.mark.parametrize("persona", ["mel_staff", "incubator_x_member"])
@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("workflows:journey_list", JOURNEY_QUERY),
        ("workflows:inbox", "?q=porteur+roubaix&type=parcours&tri=-date"),
    ],
)
def test_journeys_and_inbox_searched_and_filtered_cost_the_same_for_3_and_60(
    client: Client,
    request: pytest.FixtureRequest,
    mel_staff: User,
    incubator_x: Organisation,
    persona: str,
    url_name: str,
    query: str,
    django_assert_max_num_queries: Callable,
) -> None:
    login(client, request.getfixturevalue(persona))
    _make_journeys(SMALL, incubator_x)
    url = reverse(url_name) + query
    small, large = _same_cost(
        client,
        url,
        lambda: _make_journeys(LARGE - SMALL, incubator_x),
        django_assert_max_num_queries,
    )
    assert small == large
    assert client.get(url).context["page"].paginator.count > SMALL


def test_the_applications_list_searched_and_filtered_costs_the_same_for_3_and_30(
    client: Client,
    committee: Organisation,
    financier_f: Organisation,
    mel_staff: User,
    django_assert_max_num_queries: Callable,
) -> None:
    login(client, mel_staff)
    _make_dossiers_for_committee_and_financier(SMALL, committee, financier_f, mel_staff)
    url = reverse("workflows:application_list") + APPLICATION_QUERY
    small, large = _same_cost(
        client,
        url,
        lambda: _make_dossiers_for_committee_and_financier(
            30 - SMALL, committee, financier_f, mel_staff
        ),
        django_assert_max_num_queries,
    )
    assert small == large
    assert client.get(url).context["page"].paginator.count == 30


def test_sessions_and_organisations_searched_cost_the_same_for_3_and_60(
    client: Client,
    mel_staff: User,
    committee: Organisation,
    django_assert_max_num_queries: Callable,
) -> None:
    login(client, mel_staff)
    _make_sessions(SMALL, committee)
    url = reverse("reviewers:session_list") + "?q=selection+entreprendre&periode=a_venir&tri=-date"
    small, large = _same_cost(
        client,
        url,
        lambda: _make_sessions(LARGE - SMALL, committee),
        django_assert_max_num_queries,
    )
    assert small == large
    assert client.get(url).context["page"].paginator.count == LARGE
    url = reverse("accounts:organisation_list") + "?q=comite&type=committee&tri=nom"
    assert client.get(url).context["page"].paginator.count == 1

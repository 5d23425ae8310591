"""The DPO's retention page: the DPO and administrators only, in French, a fixed number of
queries whatever the number of records; the dry-run button changes nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MembershipRole, OrganisationKind, User
from accounts.services import membership_add
from notifications.models import Notification
from tests.factories.accounts import UserFactory, make_organisation

pytestmark = pytest.mark.django_db
URL = "/donnees-personnelles/conservation/"


@pytest.fixture
def dpo(db: None) -> User:
    organisation = make_organisation("Protection des données de la MEL", OrganisationKind.DPO)
    user = UserFactory.create(email="dpo@mel.example.org")
    membership_add(organisation=organisation, user=user, role=MembershipRole.LEAD)
    return user


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_is_for_the_dpo_and_administrators_only(
    dpo: User, mel_staff: User, admin_user: User, applicant_a: User
) -> None:
    assert reverse("privacy:retention") == URL
    assert _as(dpo).get(URL).status_code == 200
    assert _as(admin_user).get(URL).status_code == 200
    for user in (mel_staff, applicant_a):
        assert _as(user).get(URL).status_code == 403
        assert _as(user).post(reverse("privacy:retention_simulate")).status_code == 403
    assert Client().get(URL).status_code == 302


def test_the_page_says_each_rule_in_french(dpo: User) -> None:
    page = _as(dpo).get(URL).content.decode()
    assert "1 an après leur création" in page
    assert "3 ans sans connexion, moins 1 mois" in page
    assert "6 mois après la connexion" in page
    assert "<caption>" in page
    assert 'scope="col"' in page
    assert 'scope="row"' in page
    assert "Simuler maintenant" in page


def test_simulating_shows_the_result_and_changes_nothing(dpo: User) -> None:
    user = UserFactory.create()
    Notification.objects.create(
        recipient=user,
        event="decision",
        subject="S",
        body="B",
        key="old",
        created_at="2020-01-01T00:00:00Z",
    )
    response = _as(dpo).post(reverse("privacy:retention_simulate"), follow=True)
    page = response.content.decode()
    assert "Résultat de la simulation" in page
    assert "1 à traiter" in page
    assert "Notification n° " in page
    assert Notification.objects.count() == 1


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_queries_at_small_and_large_n(dpo: User) -> None:
    client = _as(dpo)
    user = UserFactory.create()

    def notes(start: int, count: int) -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient=user,
                event="decision",
                subject="S",
                body="B",
                key=f"n{n}",
                created_at="2020-01-01T00:00:00Z",
            )
            for n in range(start, start + count)
        )

    notes(0, 2)
    client.post(reverse("privacy:retention_simulate"))
    _queries(client)
    small = _queries(client)
    notes(2, 200)
    for _ in range(5):
        client.post(reverse("privacy:retention_simulate"))
    assert _queries(client) == small

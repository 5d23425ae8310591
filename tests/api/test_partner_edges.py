"""Edges of the partners' API checked sound by the review: a deactivated organisation's key,
the session personas reading the API, the technical account, and the indicators' period."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.forms import PasswordResetForm
from django.test import Client

from accounts.models import Organisation, User
from accounts.services import organisation_set_active
from api.models import ApiClient
from tests.api.conftest import ApiWorld, bearer

pytestmark = pytest.mark.django_db


def test_deactivated_organisation_key_is_refused(
    api_world: ApiWorld, incubator_x: Organisation
) -> None:
    organisation_set_active(organisation=incubator_x, active=False)
    response: Any = Client().get("/api/v1/dossiers/", headers=bearer(api_world.keys["support_x"]))
    assert response.status_code == 401


@pytest.mark.parametrize("fixture", ["committee_member", "steering_reader", "incubator_y_member"])
def test_session_personas_read_on_the_api_no_holder_contact(
    api_world: ApiWorld, request: Any, fixture: str
) -> None:
    user: User = request.getfixturevalue(fixture)
    client = Client()
    client.force_login(user)
    for endpoint in ("dossiers", "decisions", "lignes-financement", "tranches"):
        body = client.get(f"/api/v1/{endpoint}/").json()
        for row in body["results"]:
            assert row.get("holder_email") is None


def test_the_api_technical_account_cannot_sign_in_nor_reset_its_password(
    api_world: ApiWorld,
) -> None:
    for client in ApiClient.objects.select_related("user"):
        user = client.user
        assert not user.has_usable_password()
        assert list(PasswordResetForm().get_users(user.email)) == []
        assert not user.is_staff
        assert not user.is_superuser
        assert not user.memberships.exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("debut=0001-01-01&fin=9999-12-31", "au plus tôt le 1er\u00a0janvier\u00a02015"),
        ("debut=9999-12-31&fin=9999-12-31", "au plus tard le 31\u00a0décembre"),
        ("debut=0001-01-01&fin=0001-01-01", "au plus tôt"),
        ("debut=2015-01-01&fin=2026-06-30", "au plus 10\u00a0ans"),
        ("debut=2026-01-01&fin=2026-01-01&axe=99", "n'a pas d'axe"),
        ("programme=" + "a" * 81, ""),
        ("debut=2026-02-30&fin=2026-03-01", ""),
    ],
)
def test_indicators_at_the_ends_of_the_calendar_never_give_a_5xx(
    api_world: ApiWorld, query: str, message: str
) -> None:
    response: Any = Client().get(
        f"/api/v1/indicateurs/?{query}", headers=bearer(api_world.keys["mel"])
    )
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("start", "end"),
    [((1, 1, 1), (9999, 12, 31)), ((9999, 12, 31), (9999, 12, 31)), ((1, 1, 1), (1, 1, 1))],
)
def test_the_indicators_computation_survives_any_period(
    api_world: ApiWorld, start: tuple[int, int, int], end: tuple[int, int, int]
) -> None:
    """The API bounds its dates; the computation does not rely on it (clamped, never raises)."""
    import datetime

    from steering.indicators.compute import plan_indicators
    from steering.indicators.types import Period

    indicators = plan_indicators(Period(datetime.date(*start), datetime.date(*end)))
    assert indicators.sections

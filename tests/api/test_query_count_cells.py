"""Every cell of tests/api/test_query_counts.py is measured on rows (bar the one the policy
leaves empty): a constant count on an empty list would prove nothing."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import Organisation, User
from api.services.clients import api_client_create
from tests.api.conftest import bearer
from tests.api.test_query_counts import EMPTY_BY_POLICY, LISTS, _with_records
from tests.workflows.stage_helpers import schedule_session

pytestmark = pytest.mark.django_db


def test_every_query_count_cell_is_measured_on_rows(
    mel_staff: User,
    mel_team: Organisation,
    incubator_x: Organisation,
    financier_f: Organisation,
    committee: Organisation,
) -> None:
    session = schedule_session(committee)
    _with_records(
        14, session=session, staff=mel_staff, financier=financier_f, incubator=incubator_x
    )
    empty = []
    for name, org in (("mel", mel_team), ("incubator", incubator_x), ("financier", financier_f)):
        key = api_client_create(organisation=org, name=name, actor=mel_staff).key
        for endpoint in LISTS:
            body: Any = Client().get(f"/api/v1/{endpoint}/", headers=bearer(key)).json()
            if body["count"] == 0 and f"{name} {endpoint}" not in EMPTY_BY_POLICY:
                empty.append(f"{name} {endpoint}")
    assert empty == [], f"query-count cells measured on an empty list: {empty}"

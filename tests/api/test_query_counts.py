"""Every list of the API costs the same number of queries for a few rows or many, for MEL
staff (everything) and for an incubator (its grants): one page is joined and prefetched,
never one query per row nor one permission check per row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation, User
from accounts.services import access_grant
from api.services.clients import api_client_create
from funding.flows import FundingLineFlow
from funding.models import FundingInstrument, FundingLine, LineState, Tranche
from reviewers.models import Deliberation, Outcome
from tests.api.conftest import bearer
from tests.workflows.list_helpers import draft_dossiers
from tests.workflows.stage_helpers import schedule_session
from workflows.models import Application

pytestmark = pytest.mark.django_db

LISTS = ("dossiers", "decisions", "lignes-financement", "tranches")
# The one cell empty by the policy: an incubator reads no funding line (a financier reads
# its own, MEL staff all). Every other cell is measured on rows.
EMPTY_BY_POLICY = {"incubator lignes-financement"}


def _with_records(count: int, *, session: Any, staff: User, financier: Organisation,
                  incubator: Organisation) -> None:  # fmt: skip
    for application in draft_dossiers(count):
        Deliberation.objects.create(
            application=application, session=session, outcome=Outcome.FAVOURABLE,
            proposed_amount=Decimal(9000), recorded_by=staff,
        )  # fmt: skip
        line = FundingLine.objects.create(
            flow_class=FundingLineFlow, dossier=application, organisation=financier,
            instrument=FundingInstrument.SUBV_FONCT, proposed_amount=Decimal(9000),
            decided_amount=Decimal(9000), state=LineState.GRANTED,
        )  # fmt: skip
        for position in (1, 2):
            Tranche.objects.create(
                application=application, position=position, label=f"Tranche {position}",
                amount=Decimal(4500),
            )  # fmt: skip
        access_grant(organisation=incubator, obj=application)
        access_grant(organisation=financier, obj=application)  # the dossier of its line
        access_grant(organisation=financier, obj=line)


def _counts(keys: dict[str, str]) -> dict[str, int]:
    client = Client()
    counts = {}
    for persona, key in keys.items():
        for endpoint in LISTS:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/api/v1/{endpoint}/", headers=bearer(key))
            assert response.status_code == 200
            cell = f"{persona} {endpoint}"
            rows = response.json()["count"]
            assert (rows == 0) if cell in EMPTY_BY_POLICY else (rows > 0), (cell, rows)
            counts[cell] = len(queries.captured_queries)
    return counts


def test_every_list_costs_the_same_for_2_and_14_dossiers(
    mel_staff: User,
    mel_team: Organisation,
    incubator_x: Organisation,
    financier_f: Organisation,
    committee: Organisation,
) -> None:
    session = schedule_session(committee)
    records: dict[str, Any] = {"session": session, "staff": mel_staff, "financier": financier_f,
               "incubator": incubator_x}  # fmt: skip
    keys = {
        name: api_client_create(organisation=org, name=name, actor=mel_staff).key
        for name, org in (("mel", mel_team), ("incubator", incubator_x), ("financier", financier_f))
    }
    _with_records(2, **records)
    _counts(keys)  # warm: the keys' first use is written, content types are cached
    few = _counts(keys)
    _with_records(12, **records)
    many = _counts(keys)

    print("API list queries (2 → 14 dossiers):", many)  # noqa: T201
    assert many == few
    assert Application.objects.count() == 14
    assert max(many.values()) <= 12

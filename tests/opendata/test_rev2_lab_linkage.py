"""Review proof: a lab row joins the open-data file on (amount, convention day): the
pseudonymised person's gender and age band get a name (the beneficiary's).

Adapted after the fix: the extract no longer holds a number or a day to parse, so the join
is the best one left to an attacker (band and month)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from accounts.models import User
from steering.lab.columns import band_label, grant_top
from tests.opendata.grants import Grants
from tests.steering.lab_helpers import download, read_zip

pytestmark = pytest.mark.django_db


def test_lab_row_links_to_a_named_beneficiary(
    client: Client, grants: Grants, lab_member: User
) -> None:
    for amount in ("30000", "40000", "50000"):
        line = grants.make(amount, signed_on=datetime.date(2026, 3, 2))
    holder = line.dossier.holder
    holder.gender, holder.age_band = "woman", "56_plus"
    holder.save()
    got = client.get("/donnees-ouvertes/subventions-2026.json")
    published = json.loads(b"".join(got.streaming_content))  # type: ignore[attr-defined]
    _response, body = download(client, lab_member)
    lab = read_zip(body)["dossiers.csv"]

    # The attacker's best join: the lab's band holds the published amount and its month is
    # the published day's month. A name is recovered when exactly one published grant fits.
    def candidates(row: dict[str, str]) -> list[str]:
        return [
            p["nomBeneficiaire"]
            for p in published
            if band_label(p["montant"], top=grant_top()) == row["subvention_accordee"]
            and p["dateConvention"][:7] == row["date_convention"]
        ]

    joined = [
        (candidates(r), r["genre"], r["tranche_age"]) for r in lab if r["subvention_accordee"]
    ]
    assert joined, "the granted dossiers are in the extract"
    assert not any(len(names) == 1 for names, *_ in joined), joined

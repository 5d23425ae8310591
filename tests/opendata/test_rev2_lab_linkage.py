"""Review proof: a lab row joins the open-data file on (amount, convention day): the
pseudonymised person's gender and age band get a name (the beneficiary's)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from accounts.models import User
from tests.opendata.grants import Grants
from tests.steering.lab_helpers import download, read_zip

pytestmark = pytest.mark.django_db


def test_lab_row_links_to_a_named_beneficiary(
    client: Client, grants: Grants, steering_reader: User
) -> None:
    for amount in ("30000", "40000", "50000"):
        line = grants.make(amount, signed_on=datetime.date(2026, 3, 2))
    holder = line.dossier.holder
    holder.gender, holder.age_band = "woman", "56_plus"
    holder.save()
    got = client.get("/donnees-ouvertes/subventions-2026.json")
    published = json.loads(b"".join(got.streaming_content))
    _response, body = download(client, steering_reader)
    lab = read_zip(body)["dossiers.csv"]
    named = {(r["montant"], r["dateConvention"]): r["nomBeneficiaire"] for r in published}
    joined = [
        (named.get((float(r["subvention_accordee"].replace(",", ".")), r["date_convention"])),
         r["genre"], r["tranche_age"])
        for r in lab if r["subvention_accordee"]
    ]
    assert not any(name for name, *_ in joined), joined

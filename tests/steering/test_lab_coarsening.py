"""The extract's coarsening: 5 000 € bands, published grants top-coded in one open band, months
for dates, and the furthest step filed as the status page files it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import override_settings

from steering.lab import dossiers
from steering.lab.columns import band, grant_band, grant_top, month
from steering.lab.pseudonyms import Pseudonyms
from workflows.models import ApplicationStatus
from workflows.status.stages import STEPS, step_index_by_stage

NNBSP, NBSP = "\u202f", "\u00a0"


def test_an_amount_is_given_as_its_5000_euro_band() -> None:
    keys = Pseudonyms()
    assert band(Decimal("12345.67"), keys) == f"10{NNBSP}000{NBSP}€ \u2013 14{NNBSP}999{NBSP}€"
    assert band(Decimal("0"), keys) == f"0{NBSP}€ \u2013 4{NNBSP}999{NBSP}€"
    assert band(None, keys) == ""


def test_every_grant_the_open_data_file_may_publish_shares_one_open_band() -> None:
    keys = Pseudonyms()
    top = f"20{NNBSP}000{NBSP}€ ou plus"
    assert grant_top() == 20000  # the band holding the 23 000 € threshold
    assert {grant_band(Decimal(a), keys) for a in ("23000.01", "40000", "250000")} == {top}
    assert grant_band(Decimal("19999"), keys) == f"15{NNBSP}000{NBSP}€ \u2013 19{NNBSP}999{NBSP}€"


@override_settings(OPEN_DATA_GRANT_THRESHOLD=Decimal("50000"))
def test_the_top_band_follows_the_publication_threshold() -> None:
    assert grant_band(Decimal("60000"), Pseudonyms()) == f"50{NNBSP}000{NBSP}€ ou plus"


def test_a_date_or_a_moment_is_given_as_its_month() -> None:
    keys = Pseudonyms()
    assert month(datetime.date(2026, 3, 2), keys) == "2026-03"
    moment = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC)  # Feb 1st in Paris
    assert month(moment, keys) == "2026-02"


def test_the_furthest_step_uses_the_status_pages_steps() -> None:
    _journeys, applications = step_index_by_stage()
    assert dossiers.STEPS[1:] == tuple(str(step) for step in STEPS)
    assert str(STEPS[applications[ApplicationStatus.ELIGIBLE]]) == "Comité"
    assert str(STEPS[applications[ApplicationStatus.CLOSED_NO_FOLLOW_UP]]) == "Candidature"
    assert str(STEPS[applications[ApplicationStatus.CLOSED]]) == "Suivi"

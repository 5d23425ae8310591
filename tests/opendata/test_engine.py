"""A grant decided, signed and paid through the real engine and services lands in the
year's file as the schema says (the other tests build the records directly)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation, User
from funding.models import FundingLine, LineState
from funding.services.lines import funding_line_decide
from funding.services.payments import application_convention_record, tranche_release
from opendata import selectors, writers
from reviewers.models import Outcome
from tests.factories.applicants import commune
from tests.opendata.grants import errors, validate_csv
from tests.workflows.stage_helpers import (
    deliberate,
    eligible_application,
    hold_session,
    instruct,
    open_task_of,
    perform,
    schedule_session,
    set_grant_financier,
)
from workflows.engine import task_perform

pytestmark = pytest.mark.django_db


def test_a_grant_through_the_engine_is_published_once_its_convention_is_signed(
    client: Client,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
    settings: Any,
    tmp_path: Path,
) -> None:
    # The engine's dossier asks 12 000 €: the threshold is lowered to publish it.
    settings.OPEN_DATA_GRANT_THRESHOLD = Decimal(11000)
    schedule_session(committee)
    set_grant_financier(financier_f)
    roubaix = commune("59512", "Roubaix")
    roubaix.postal_codes = "59100"
    roubaix.save()
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    instruct(application, mel_staff)
    hold_session(application)
    deliberate(application, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    line = FundingLine.objects.get(dossier=application)
    task_perform(
        task=open_task_of(line),
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal("11500.50")
        ),
    )
    line.refresh_from_db()
    assert line.state == LineState.GRANTED
    year = timezone.localdate().year
    assert list(selectors.grant_rows(year)) == []  # granted, but no convention yet

    today = timezone.localdate()
    perform(
        application,
        "convention",
        mel_staff,
        lambda p: application_convention_record(
            application=p,
            actor=mel_staff,
            holder_signed_on=today - datetime.timedelta(days=3),
            mel_signed_on=today,
        ),
    )
    structure = application.project.structure
    assert structure is not None
    structure.iban = "FR7630006000011234567890189"
    structure.save()
    perform(
        application,
        "advance",
        mel_staff,
        lambda p: tranche_release(application=p, position=1, actor=mel_staff),
    )

    (row,) = selectors.grant_rows(year)
    assert row.nomBeneficiaire == structure.name
    assert row.idBeneficiaire == structure.siret
    assert row.dateConvention == today
    assert row.montant == Decimal("11500.50")
    assert row.conditionsVersement == "échelonné"
    assert row.datesPeriodeVersement.startswith(f"{today.isoformat()}/")
    assert row.referenceDecision.startswith("Délibération n° ")
    content = b"".join(writers.scdl_csv(selectors.grant_rows(year)))
    report = validate_csv(content, tmp_path)
    assert report.valid, errors(report)
    holder = application.holder.user
    text = content.decode()
    assert holder.last_name not in text
    assert holder.email not in text
    assert application.project.title not in text

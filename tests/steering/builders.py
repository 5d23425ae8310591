"""Dossiers built row by row at known dates, for reading the indicators back.

Honest for a read test: each stage is set on the real model at its date (the time machine
moves the clock), so the history is written by the real receiver; money and reports are the
rows the services would have left. Which services lead there is tested in tests/workflows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from applicants.models import Commune, QpvDetermination, QpvSource
from funding.flows import FundingLineFlow
from funding.models import FollowUpReport, FundingLine, LineState, Programme, Tranche
from tests.factories.accounts import make_organisation
from tests.factories.applicants import PersonFactory, ProjectFactory
from workflows.application.flows import ApplicationFlow
from workflows.journey.flows import JourneyFlow
from workflows.models import Application, Journey

START = datetime.datetime(2027, 1, 4, 10, 0, tzinfo=datetime.UTC)  # a Monday


def day(n: float) -> datetime.datetime:
    return START + datetime.timedelta(days=n)


@dataclass
class Built:
    journey: Journey
    application: Application | None = None
    lines: list[FundingLine] = field(default_factory=list)


def _at(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def dossier(
    *,
    first: datetime.datetime,
    journey: tuple[tuple[str, datetime.datetime], ...] = (),
    application: tuple[tuple[str, datetime.datetime], ...] = (),
    commune: Commune | None = None,
    qpv: str = "",
    gender: str = "",
    age_band: str = "",
    requested: str | None = None,
    programme: Programme | None = None,
) -> Built:
    person = PersonFactory.create(gender=gender, age_band=age_band)
    project = ProjectFactory.create(holder=person, **({"commune": commune} if commune else {}))
    if qpv:
        found = QpvDetermination.objects.create(
            project=project, outcome=qpv, source=QpvSource.COMPUTED
        )
        project.current_qpv = found
        project.save(update_fields=["current_qpv"])
    with _at(first):
        made = Journey.objects.create(
            flow_class=JourneyFlow, project=project, holder=person, created=timezone.now()
        )
    for stage, moment in journey:
        with _at(moment):
            made.stage = stage
            made.save()
    built = Built(made)
    if application:
        rule = programme.rule_versions.first() if programme else None
        opened = application[0][1]
        with _at(opened):
            built.application = Application.objects.create(
                flow_class=ApplicationFlow,
                source_journey=made,
                project=project,
                holder=person,
                rule_version=rule,
                requested_amount=Decimal(requested) if requested else None,
            )
        for stage, moment in application:
            with _at(moment):
                built.application.stage = stage
                if stage == "submitted":
                    built.application.submitted_at = moment
                built.application.save()
    return built


def financier(name: str) -> Organisation:
    return make_organisation(name, OrganisationKind.FINANCIER)


def line(
    built: Built,
    organisation: Organisation,
    *,
    proposed: str,
    granted: str | None = None,
    instrument: str = "SUBV_FONCT",
    mel: bool = False,
    state: str = LineState.GRANTED,
) -> FundingLine:
    assert built.application is not None
    made = FundingLine.objects.create(
        flow_class=FundingLineFlow,
        dossier=built.application,
        organisation=organisation,
        is_programme_grant=mel,
        instrument=instrument,
        proposed_amount=Decimal(proposed),
        decided_amount=Decimal(granted) if granted else None,
        state=state,
    )
    built.lines.append(made)
    return made


def paid(built: Built, amount: str, *, at: datetime.datetime | None, position: int = 1) -> None:
    assert built.application is not None
    Tranche.objects.create(
        application=built.application,
        position=position,
        label=f"Tranche {position}",
        amount=Decimal(amount),
        released_at=at,
    )


def report(built: Built, *, months: int, at: datetime.datetime | None, **figures: object) -> None:
    assert built.application is not None
    FollowUpReport.objects.create(
        application=built.application,
        months=months,
        due_on=(at or START).date(),
        submitted_at=at,
        **figures,
    )

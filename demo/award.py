"""After the committee: the grant signed, the convention, tranches, reports and closure."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from viewflow.workflow.timers import fire_due_timers

from accounts.models import User
from applicants.services import structure_save
from demo.clock import at_moment, on_day, real_today
from demo.committee import deliberate
from demo.steps import open_task, take_step
from funding.models import FundingLine
from funding.services.bank_details import bank_details_request
from funding.services.lines import funding_line_decide
from funding.services.payments import (
    application_close,
    application_convention_record,
    current_report,
    report_opens_at,
    report_submit,
    tranche_release,
)
from workflows.application.flows import ApplicationFlow
from workflows.engine import task_perform
from workflows.models import Application

DEMO_IBAN = "FR7630006000011234567890189"
REPORT_VALUES: dict[str, Any] = {
    "jobs_created_fte": Decimal("2"),
    "jobs_kept_fte": Decimal("1"),
    "qpv_residents_hired": 1,
    "turnover": Decimal("64000"),
    "beneficiaries": 120,
    "still_active": True,
    "comment": "L'activité se développe comme prévu.",
}


# Days after the session at which each later step is taken.
DECIDED_AFTER, SIGNED_AFTER, CONVENTION_AFTER, IBAN_AFTER, ADVANCE_AFTER = 4, 6, 10, 11, 12
# A report is sent this many days before it falls due; the balance is paid and the dossier
# closed this many days after the final report.
REPORT_SENT_BEFORE_DUE, CLOSED_AFTER_FINAL_REPORT = 10, 12


def seed_after_committee(
    application: Application,
    target: tuple[str, Decimal],
    staff: User,
    people: dict[str, User],
    *,
    held: int,
) -> None:
    """From the deliberation, on the afternoon of the session held ``held`` days ago, to the
    dossier's stage: funding lines, convention, tranches, reports, closure."""
    stage, amount = target
    with on_day(held, 17):
        deliberate(application, staff, stage, amount)
    if stage in ("adjourned", "funding"):
        return
    line = FundingLine.objects.get(dossier=application, is_programme_grant=True)
    countersign = stage == "countersign"
    signer = people["signataire.mel" if countersign else "financeur.mel"]
    with on_day(held - (SIGNED_AFTER if countersign else DECIDED_AFTER), 11):
        task_perform(
            task=open_task(line),
            user=signer,
            perform=lambda p: funding_line_decide(line=p, actor=signer, grant=True, amount=amount),
        )
    if countersign:
        return
    with on_day(held - CONVENTION_AFTER, 14):
        today = timezone.localdate()
        take_step(
            application,
            ApplicationFlow.convention,
            staff,
            lambda a: application_convention_record(
                application=a,
                actor=staff,
                holder_signed_on=today - datetime.timedelta(days=2),
                mel_signed_on=today,
            ),
        )
    if stage == "advance":
        # The advance waits for the structure's IBAN: MEL staff asked the holder for it.
        with on_day(held - CONVENTION_AFTER - 1, 9):
            bank_details_request(application=application, actor=staff)
        return
    structure = application.project.structure
    assert structure is not None  # noqa: S101 - every stage dossier has its structure
    with on_day(held - IBAN_AFTER, 9):
        structure.iban = DEMO_IBAN
        structure_save(structure=structure)
    with on_day(held - ADVANCE_AFTER, 10):
        _release(application, 1, staff)
    _open_next_report(application)
    if stage == "closed":
        _seed_closure(application, staff)


def _release(application: Application, position: int, staff: User) -> None:
    node = ApplicationFlow.advance if position == 1 else ApplicationFlow.balance
    take_step(
        application,
        node,
        staff,
        lambda a: tranche_release(application=a, position=position, actor=staff),
    )


def _open_next_report(application: Application) -> None:
    """Wait for the day the engine opens the next report (a month before it is due) and
    let its timer fire, as the embedded runner or Celery beat would."""
    with at_moment(report_opens_at(application=application) + datetime.timedelta(minutes=5)):
        fire_due_timers()
    open_task(application)  # raises if the report did not open: the timer failed


def _seed_closure(application: Application, staff: User) -> None:
    """Every report sent by the holder before it falls due, then the balance paid and the
    dossier closed."""
    holder = application.holder.user
    while True:
        report = current_report(application=application)
        assert report is not None  # noqa: S101 - the report the timer opened
        with on_day(_days_ago(report.due_on) + REPORT_SENT_BEFORE_DUE, 15):
            take_step(
                application,
                ApplicationFlow.report,
                holder,
                lambda a: report_submit(application=a, actor=holder, values=REPORT_VALUES),
            )
        if not application.reports.filter(submitted_at__isnull=True).exists():
            break
        _open_next_report(application)
    with on_day(_days_ago(report.due_on) - CLOSED_AFTER_FINAL_REPORT, 10):
        take_step(
            application,
            ApplicationFlow.balance,
            staff,
            lambda a: (
                tranche_release(application=a, position=2, actor=staff),
                application_close(application=a, actor=staff),
            ),
        )


def _days_ago(day: datetime.date) -> int:
    return (real_today() - day).days

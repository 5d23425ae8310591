"""After the committee: the grant signed, the convention, tranches, reports and closure."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.models import User
from applicants.services import structure_save
from demo.committee import deliberate
from demo.steps import open_task, take_step
from funding.models import FundingLine
from funding.services.lines import funding_line_decide
from funding.services.payments import (
    application_close,
    application_convention_record,
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


def seed_after_committee(
    application: Application, target: tuple[str, Decimal], staff: User, people: dict[str, User]
) -> None:
    """From the deliberation to the dossier's stage: funding lines, convention, tranches,
    reports, closure."""
    stage, amount = target
    deliberate(application, staff, stage, amount)
    if stage in ("adjourned", "funding"):
        return
    line = FundingLine.objects.get(dossier=application, is_programme_grant=True)
    signer = people["signataire.mel" if stage == "countersign" else "financeur.mel"]
    task_perform(
        task=open_task(line),
        user=signer,
        perform=lambda p: funding_line_decide(line=p, actor=signer, grant=True, amount=amount),
    )
    if stage == "countersign":
        return
    today = timezone.localdate()
    take_step(
        application,
        ApplicationFlow.convention,
        staff,
        lambda a: application_convention_record(
            application=a,
            actor=staff,
            holder_signed_on=today - datetime.timedelta(days=3),
            mel_signed_on=today - datetime.timedelta(days=1),
        ),
    )
    if stage == "advance":
        return  # the advance waits for the structure's IBAN
    structure = application.project.structure
    assert structure is not None  # noqa: S101 - every stage dossier has its structure
    structure.iban = DEMO_IBAN
    structure_save(structure=structure)
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
    """Fire the timer that opens the next report now instead of a month before it is due."""
    Task.objects.filter(
        process_id=application.pk,
        flow_task=ApplicationFlow.next_report,
        status=STATUS.SCHEDULED,
    ).update(scheduled=timezone.now() - datetime.timedelta(seconds=1))
    fire_due_timers()
    open_task(application)  # raises if the report did not open: the timer failed


def _seed_closure(application: Application, staff: User) -> None:
    """Every report sent by the holder, then the balance paid and the dossier closed."""
    holder = application.holder.user
    while True:
        take_step(
            application,
            ApplicationFlow.report,
            holder,
            lambda a: report_submit(application=a, actor=holder, values=REPORT_VALUES),
        )
        if not application.reports.filter(submitted_at__isnull=True).exists():
            break
        _open_next_report(application)
    take_step(
        application,
        ApplicationFlow.balance,
        staff,
        lambda a: (
            tranche_release(application=a, position=2, actor=staff),
            application_close(application=a, actor=staff),
        ),
    )

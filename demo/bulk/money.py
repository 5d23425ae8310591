"""A batch's money after a favourable avis: funding lines (the programme grant and
co-financers), conventions, tranches (advance, balance) and follow-up reports."""

from __future__ import annotations

from decimal import Decimal

from viewflow.workflow.status import PROCESS

from funding.flows import FundingLineFlow
from funding.models import Condition, Convention, FollowUpReport, FundingLine, Tranche
from workflows.models import Application

from .plan import Plan
from .reference import Reference
from .writer import insert

CONVENTION_THRESHOLD = Decimal("23000")
ADVANCE_SHARE = Decimal("0.6")
FUNDED = {"convention", "follow_up", "closed"}


def money(pairs: list[tuple[Plan, Application]], ref: Reference) -> list[FundingLine]:
    """Insert the batch's money; returns the funding lines (their financiers are granted)."""
    lines = insert(FundingLine, [line for p, a in pairs for line in _lines(p, a, ref)])
    funded = [(p, a) for p, a in pairs if p.app_stage in FUNDED]
    insert(Convention, [_convention(p, a, ref) for p, a in funded], keys=False)
    insert(Tranche, [t for p, a in funded for t in _tranches(p, a, ref)], keys=False)
    insert(FollowUpReport, [r for p, a in funded for r in _reports(p, a)], keys=False)
    return list(lines)


def _lines(plan: Plan, application: Application, ref: Reference) -> list[FundingLine]:
    rows = []
    for line in plan.lines:
        grant = line.financier < 0
        organisation = (
            ref.grant_financier
            if grant or not ref.co_financiers
            else ref.co_financiers[line.financier % len(ref.co_financiers)]
        )
        settled = line.state != "pending"
        rows.append(
            FundingLine(
                flow_class=FundingLineFlow,
                status=PROCESS.DONE if settled else PROCESS.NEW,
                created=plan.decided,
                finished=line.signed_at,
                dossier_id=application.pk,
                organisation_id=organisation,
                is_programme_grant=grant,
                instrument=line.instrument,
                proposed_amount=line.proposed,
                decided_amount=line.decided,
                state=line.state,
                first_signer_id=ref.staff if settled else None,
                first_signed_at=line.signed_at,
            )
        )
    return rows


def _granted(plan: Plan) -> Decimal:
    return next(line.decided or Decimal(0) for line in plan.lines if line.financier < 0)


def _convention(plan: Plan, application: Application, ref: Reference) -> Convention:
    required = _granted(plan) > CONVENTION_THRESHOLD
    return Convention(
        application_id=application.pk,
        required=required,
        waived=not required and application.pk % 2 == 0,
        holder_signed_on=plan.convention_signed,
        mel_signed_on=plan.convention_signed,
        recorded_by_id=ref.staff,
    )


def _tranches(plan: Plan, application: Application, ref: Reference) -> list[Tranche]:
    granted = _granted(plan)
    advance = (granted * ADVANCE_SHARE).quantize(Decimal("0.01"))
    return [
        Tranche(
            application_id=application.pk,
            position=1,
            label="Avance",
            amount=advance,
            conditions=[Condition.CONVENTION_SIGNED, Condition.IBAN_KNOWN],
            released_at=plan.advance_at,
            released_by_id=ref.staff if plan.advance_at else None,
        ),
        Tranche(
            application_id=application.pk,
            position=2,
            label="Solde",
            amount=granted - advance,
            conditions=[Condition.FINAL_REPORT_RECEIVED],
            released_at=plan.balance_at,
            released_by_id=ref.staff if plan.balance_at else None,
        ),
    ]


def _reports(plan: Plan, application: Application) -> list[FollowUpReport]:
    rows = []
    for report in plan.reports:
        handed = report.submitted_at is not None
        value = (lambda v: v) if handed else (lambda v: None)
        rows.append(
            FollowUpReport(
                application_id=application.pk,
                months=report.months,
                due_on=report.due_on,
                is_final=report.months == max(r.months for r in plan.reports),
                submitted_at=report.submitted_at,
                submitted_by_id=application.holder_id if handed else None,
                jobs_created_fte=value(report.jobs_created),
                jobs_kept_fte=value(report.jobs_kept),
                qpv_residents_hired=value(report.qpv_hired),
                turnover=value(report.turnover),
                beneficiaries=value(report.beneficiaries),
                still_active=value(report.still_active),
            )
        )
    return rows

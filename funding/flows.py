"""One financier's decision and signatures on its funding line, one small process per
financier and dossier.

    opened by the dossier's ``open_funding`` → decide (members of that financier)
      → above the configured amount: countersign (another member) → confirmed | back
    → settled: tells the dossier, whose last settled line moves it on.

See ``workflows/application/flows.py`` for why funding lines are processes of their own.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import act, flow

from funding.models import FundingLine
from funding.services.lines import (
    funding_line_opened,
    funding_line_prepare,
    funding_line_settled,
    funding_line_specs,
    funding_lines_opened,
)
from funding.steps import CountersignStep, DecideStep
from workflows.locking import process_row_lock
from workflows.models import Application


def as_line(process: Any) -> FundingLine:
    return process if isinstance(process, FundingLine) else process.coerced


class FundingLineFlow(flow.Flow):
    """Décision et signature d'un financeur sur sa ligne de financement."""

    process_class = FundingLine
    lock_impl = process_row_lock
    process_title = _("Ligne de financement")

    start = (
        flow.StartHandle(this.start_line)
        .Annotation(title=_("Dossier transmis au financeur"))
        .Next(this.decide)
    )
    decide = (
        flow.View(DecideStep.as_view())
        .Annotation(title=_("Décider et signer"))
        .Permission("funding.sign_fundingline", obj=as_line)
        .Next(this.needs_countersign)
    )
    needs_countersign = (
        flow.If(act.process.needs_second_signature)
        .Annotation(title=_("Seconde signature ?"))
        .Then(this.countersign)
        .Else(this.settle)
    )
    countersign = (
        flow.View(CountersignStep.as_view())
        .Annotation(title=_("Seconde signature"))
        .Permission("funding.sign_fundingline", obj=as_line)
        .Next(this.is_confirmed)
    )
    is_confirmed = (
        flow.If(act.process.is_settled)
        .Annotation(title=_("Confirmée ?"))
        .Then(this.settle)
        .Else(this.decide)
    )
    settle = (
        flow.Function(this.report_to_dossier)
        .Annotation(title=_("Informer le dossier"))
        .Next(this.settled)
    )
    settled = flow.End().Annotation(title=_("Ligne réglée"))

    def start_line(self, activation: Any, *, dossier: Any, **fields: Any) -> FundingLine:
        return funding_line_prepare(line=activation.process, dossier=dossier, **fields)

    def report_to_dossier(self, activation: Any) -> None:
        funding_line_settled(line=activation.process)


def funding_lines_start(*, application: Application) -> list[FundingLine]:
    """Start one funding line per financier (the one place lines start: the dossier's
    ``open_funding`` node)."""
    lines: list[FundingLine] = []
    for spec in funding_line_specs(application=application):
        line: FundingLine = FundingLineFlow.start.run(dossier=application, **spec)
        funding_line_opened(line=line)
        lines.append(line)
    funding_lines_opened(application=application, lines=lines)
    return lines

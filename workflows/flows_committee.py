"""The two small flows that run many times per dossier, in parallel.

    ScoringFlow (one per committee member and dossier):
        opened by the dossier's ``open_scoring`` → score (the member only; a reminder a few
        days before the session if still open) → scored
        A member who declares a conflict of interest has theirs cancelled (or never opened).

    FundingLineFlow (one per financier and dossier):
        opened by the dossier's ``open_funding`` → decide (members of that financier)
          → above the configured amount: countersign (another member) → confirmed | back
        → settled: tells the dossier, whose last settled line moves it on.

See ``workflows/flows_application.py`` for why these are processes of their own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import act, flow

from .locking import process_row_lock
from .models import FundingLine, Scoring
from .services_award import funding_line_prepare, funding_line_settled
from .services_selection import scoring_prepare, scoring_remind
from .views_award import funding_line_step
from .views_selection import scoring_step


def as_scoring(process: Any) -> Scoring:
    return process if isinstance(process, Scoring) else process.coerced


def as_line(process: Any) -> FundingLine:
    return process if isinstance(process, FundingLine) else process.coerced


def scoring_member(activation: Any) -> Any:
    return as_scoring(activation.process).member


def scoring_reminder_at(activation: Any) -> datetime.datetime:
    """Some days before the session, and never in the past (a late placement reminds soon)."""
    session = as_scoring(activation.process).session
    before = datetime.timedelta(days=settings.SCORING_REMINDER_DAYS_BEFORE_SESSION)
    return max(session.starts_at - before, timezone.now() + datetime.timedelta(hours=1))


class ScoringFlow(flow.Flow):
    """Notation d'un dossier par un membre du comité."""

    process_class = Scoring
    lock_impl = process_row_lock
    process_title = _("Notation par un membre du comité")

    start = (
        flow.StartHandle(this.start_scoring)
        .Annotation(title=_("Notation ouverte"))
        .Next(this.score)
    )
    score = (
        flow.View(scoring_step)
        .Annotation(title=_("Noter le dossier"))
        .Assign(scoring_member)
        .OnTimeout(scoring_reminder_at, this.remind, interrupting=False, title=_("Avant la séance"))
        .Next(this.scored)
    )
    remind = (
        flow.Function(this.send_reminder)
        .Annotation(title=_("Relance du membre"))
        .Next(this.reminded)
    )
    reminded = flow.End().Annotation(title=_("Relance envoyée"))
    scored = flow.End().Annotation(title=_("Notation rendue"))

    def start_scoring(self, activation: Any, **fields: Any) -> Scoring:
        return scoring_prepare(scoring=activation.process, **fields)

    def send_reminder(self, activation: Any) -> None:
        scoring_remind(scoring=activation.process)


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
        flow.View(funding_line_step)
        .Annotation(title=_("Décider et signer"))
        .Permission("workflows.sign_fundingline", obj=as_line)
        .Next(this.needs_countersign)
    )
    needs_countersign = (
        flow.If(act.process.needs_second_signature)
        .Annotation(title=_("Seconde signature ?"))
        .Then(this.countersign)
        .Else(this.settle)
    )
    countersign = (
        flow.View(funding_line_step)
        .Annotation(title=_("Seconde signature"))
        .Permission("workflows.sign_fundingline", obj=as_line)
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

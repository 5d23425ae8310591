"""A committee member's scoring of one dossier, one small process per member and dossier.

    opened by the dossier's ``open_scoring`` → score (the member only; a reminder a few days
    before the session if still open) → scored

A member who declares a conflict of interest has theirs cancelled (or never opened). See
``workflows/application/flows.py`` for why scorings are processes of their own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from reviewers.models import Scoring
from reviewers.services.selection import (
    scoring_members_to_open,
    scoring_prepare,
    scoring_remind,
    scorings_opened,
)
from reviewers.steps import ScoringStep
from workflows.locking import process_row_lock
from workflows.models import Application


def as_scoring(process: Any) -> Scoring:
    return process if isinstance(process, Scoring) else process.coerced


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
        flow.View(ScoringStep.as_view())
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


def scorings_start(*, application: Application) -> list[Scoring]:
    """Start one scoring per committee member who has not withdrawn from the dossier (the
    one place scorings start: the dossier's ``open_scoring`` node, or a change of session)."""
    session, members = scoring_members_to_open(application=application)
    started: list[Scoring] = [
        ScoringFlow.start.run(dossier=application, session=session, member=member)
        for member in members
    ]
    scorings_opened(application=application, scorings=started)
    return started

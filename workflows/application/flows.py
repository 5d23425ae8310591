"""The application from its opening to the closure of its follow-up (stages 5 to 11),
read top to bottom.

    opened by the holder from a journey ready to apply
      → fill (the applicant; drafts saved without completing, submitted when all is there)
      → completeness (MEL staff) → complete? ─ no → complements (the applicant, requested
        items only; deadline → reminder → grace period → closed without follow-up)
                                              └ answered → completeness again
      → eligibility (MEL staff; each rule checked) → not eligible (motivated letter)
      → placed on the next open committee session → instruction note (MEL staff)
      → scoring opened: one ``ScoringFlow`` per committee member who has not withdrawn
      → deliberation (MEL staff, at the session) → avis?
          favourable (with or without conditions) → funding
          adjourned → improve (the applicant) → next session
          unfavourable → end (letter)
      → funding: one ``FundingLineFlow`` per financier, decided in parallel; the dossier
        waits (Handle) until the last line is settled → grant accorded? no → end
      → convention (or notification under the threshold) → advance (blocked while a
        condition is unmet)
      → follow-up reports, one after the other: opens before its due date → late →
        reminder → escalation to the programme lead
      → balance (after the final report and, where required, ESUS) → closed

Why child processes and not parallel branches: the number of committee members and of
financiers is known only at run time, and viewflow OSS has no multi-instance node
(``Split(data_source=…)`` and ``Subprocess`` are Pro). Each member's scoring and each
financier's line is therefore its own small process with its own task, lock and timers
(``reviewers/flows.py``, ``funding/flows.py``). Scorings do not hold the dossier back (the deliberation
closes any still open); funding lines do: the last line settled, under the dossier's lock,
runs the ``await_funding`` handle, so two financiers signing at once move it exactly once.

Steps are completed only through ``workflows.engine.task_perform``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import act, flow

from accounts.models import User
from funding.flows import funding_lines_start
from funding.services.lines import application_funding_close
from funding.services.payments import (
    report_due_at,
    report_escalate,
    report_open,
    report_opens_at,
    report_remind,
)
from funding.steps import (
    AdvanceStep,
    BalanceStep,
    ConventionStep,
    EscalatedReportStep,
    LateReportStep,
    ReportStep,
)
from reviewers.flows import scorings_start
from reviewers.models import CommitteeSession
from reviewers.services.selection import application_move_session as session_move
from reviewers.services.selection import application_place_on_session
from reviewers.steps import DeliberationStep, InstructionStep
from workflows.application.checks import (
    application_close_no_follow_up,
    application_complements_remind,
    complement_due,
)
from workflows.application.reminders import BatchOutcome, applications_act
from workflows.application.services import (
    application_open_check,
    application_opened,
    application_prepare,
)
from workflows.application.steps import CompletenessStep, EligibilityStep, FillStep
from workflows.engine import OPEN_STATUSES
from workflows.locking import process_row_lock
from workflows.models import Application, Journey


def as_application(process: Any) -> Application:
    """viewflow passes the base Process in some checks (can_assign); grants are on Application."""
    return process if isinstance(process, Application) else process.coerced


def complements_deadline(activation: Any) -> datetime.datetime:
    return complement_due(application=as_application(activation.process))


def grace_deadline(activation: Any) -> datetime.timedelta:
    return datetime.timedelta(days=settings.COMPLEMENT_GRACE_DAYS)


def report_opens(activation: Any) -> datetime.datetime:
    return report_opens_at(application=as_application(activation.process))


def report_due(activation: Any) -> datetime.datetime:
    return report_due_at(application=as_application(activation.process))


def escalation_delay(activation: Any) -> datetime.timedelta:
    return datetime.timedelta(days=settings.FOLLOW_UP_ESCALATION_DAYS)


def holder_user(activation: Any) -> Any:
    return as_application(activation.process).holder.user


class ApplicationFlow(flow.Flow):
    """Candidature : du dépôt à la clôture du suivi."""

    process_class = Application
    lock_impl = process_row_lock
    process_title = _("Candidature Entreprendre Autrement")

    start = (
        flow.StartHandle(this.start_application)
        .Annotation(title=_("Ouverture de la candidature"))
        .Next(this.fill)
    )

    fill = (
        flow.View(FillStep.as_view())
        .Annotation(title=_("Remplir et déposer la candidature"))
        .Assign(holder_user)
        .Next(this.completeness)
    )

    completeness = (
        flow.View(CompletenessStep.as_view())
        .Annotation(title=_("Vérification de la complétude"))
        .Permission("workflows.instruct_application")
        .Next(this.is_complete)
    )
    is_complete = (
        flow.If(act.process.is_complete)
        .Annotation(title=_("Complet ?"))
        .Then(this.eligibility)
        .Else(this.complements)
    )

    complements = (
        flow.View(FillStep.as_view())
        .Annotation(title=_("Fournir les compléments"))
        .Assign(holder_user)
        .OnTimeout(complements_deadline, this.complements_reminder, title=_("Date limite"))
        .Next(this.completeness)
    )
    complements_reminder = (
        flow.Function(this.remind)
        .Annotation(title=_("Relance du porteur"))
        .Next(this.complements_grace)
    )
    complements_grace = (
        flow.View(FillStep.as_view())
        .Annotation(title=_("Fournir les compléments (après relance)"))
        .Assign(holder_user)
        .OnTimeout(grace_deadline, this.close_no_follow_up, title=_("Délai de grâce"))
        .Next(this.completeness)
    )
    close_no_follow_up = (
        flow.Function(this.close)
        .Annotation(title=_("Classement sans suite"))
        .Next(this.closed_no_follow_up)
    )
    closed_no_follow_up = flow.End().Annotation(title=_("Classée sans suite"))

    eligibility = (
        flow.View(EligibilityStep.as_view())
        .Annotation(title=_("Examen de l'éligibilité"))
        .Permission("workflows.instruct_application")
        .Next(this.is_eligible)
    )
    is_eligible = (
        flow.If(act.process.is_eligible)
        .Annotation(title=_("Éligible ?"))
        .Then(this.place_on_session)
        .Else(this.ineligible)
    )
    ineligible = flow.End().Annotation(title=_("Non éligible (courrier motivé)"))

    # Selection (stage 8)
    place_on_session = (
        flow.Function(this.place)
        .Annotation(title=_("Inscription à la prochaine séance"))
        .Next(this.instruction)
    )
    instruction = (
        flow.View(InstructionStep.as_view())
        .Annotation(title=_("Note d'instruction"))
        .Permission("workflows.instruct_application")
        .Next(this.open_scoring)
    )
    open_scoring = (
        flow.Function(this.start_scorings)
        .Annotation(title=_("Notation par chaque membre du comité"))
        .Next(this.deliberation)
    )
    deliberation = (
        flow.View(DeliberationStep.as_view())
        .Annotation(title=_("Délibération du comité"))
        .Permission("workflows.instruct_application")
        .Next(this.committee_avis)
    )
    committee_avis = (
        flow.Switch()
        .Annotation(title=_("Avis du comité ?"))
        .Case(this.open_funding, act.process.is_favourable)
        .Case(this.improve, act.process.is_adjourned)
        .Default(this.rejected)
    )
    improve = (
        flow.View(FillStep.as_view())
        .Annotation(title=_("Retravailler la candidature"))
        .Assign(holder_user)
        .Next(this.place_on_session)
    )
    rejected = flow.End().Annotation(title=_("Avis défavorable (courrier)"))

    # Funding (stage 9)
    open_funding = (
        flow.Function(this.start_funding_lines)
        .Annotation(title=_("Une ligne par financeur"))
        .Next(this.await_funding)
    )
    await_funding = (
        flow.Handle(this.funding_settled)
        .Annotation(title=_("Décisions signées des financeurs"))
        .Next(this.is_funded)
    )
    is_funded = (
        flow.If(act.process.is_funded)
        .Annotation(title=_("Subvention accordée ?"))
        .Then(this.convention)
        .Else(this.not_funded)
    )
    not_funded = flow.End().Annotation(title=_("Non financée"))

    # Convention and disbursement (stage 10)
    convention = (
        flow.View(ConventionStep.as_view())
        .Annotation(title=_("Convention"))
        .Permission("workflows.instruct_application")
        .Next(this.advance)
    )
    advance = (
        flow.View(AdvanceStep.as_view())
        .Annotation(title=_("Versement de l'avance"))
        .Permission("workflows.instruct_application")
        .Next(this.next_report)
    )

    # Follow-up (stage 11)
    next_report = (
        flow.Timer(report_opens)
        .Annotation(title=_("Ouverture du rapport suivant"))
        .Next(this.report_opened)
    )
    report_opened = (
        flow.Function(this.open_report).Annotation(title=_("Prévenir le porteur")).Next(this.report)
    )
    report = (
        flow.View(ReportStep.as_view())
        .Annotation(title=_("Rapport de suivi"))
        .Assign(holder_user)
        .OnTimeout(report_due, this.report_reminder, title=_("Échéance du rapport"))
        .Next(this.more_reports)
    )
    report_reminder = (
        flow.Function(this.remind_report)
        .Annotation(title=_("Relance du porteur"))
        .Next(this.report_late)
    )
    report_late = (
        flow.View(LateReportStep.as_view())
        .Annotation(title=_("Rapport de suivi (en retard)"))
        .Assign(holder_user)
        .OnTimeout(escalation_delay, this.report_escalation, title=_("Délai après relance"))
        .Next(this.more_reports)
    )
    report_escalation = (
        flow.Function(this.escalate_report)
        .Annotation(title=_("Alerte du responsable"))
        .Next(this.report_escalated)
    )
    report_escalated = (
        flow.View(EscalatedReportStep.as_view())
        .Annotation(title=_("Rapport de suivi (signalé)"))
        .Assign(holder_user)
        .Next(this.more_reports)
    )
    more_reports = (
        flow.If(act.process.has_reports_to_come)
        .Annotation(title=_("Autre rapport attendu ?"))
        .Then(this.next_report)
        .Else(this.balance)
    )
    balance = (
        flow.View(BalanceStep.as_view())
        .Annotation(title=_("Versement du solde et clôture"))
        .Permission("workflows.instruct_application")
        .Next(this.closed)
    )
    closed = flow.End().Annotation(title=_("Dossier clôturé"))

    def start_application(self, activation: Any, *, journey: Any) -> Application:
        return application_prepare(application=activation.process, journey=journey)

    def remind(self, activation: Any) -> None:
        application_complements_remind(application=activation.process)

    def close(self, activation: Any) -> None:
        application_close_no_follow_up(application=activation.process)

    def place(self, activation: Any) -> None:
        application_place_on_session(application=activation.process)

    def start_scorings(self, activation: Any) -> None:
        scorings_start(application=activation.process)

    def start_funding_lines(self, activation: Any) -> None:
        funding_lines_start(application=activation.process)

    def funding_settled(self, activation: Any) -> None:
        application_funding_close(application=activation.process)

    def open_report(self, activation: Any) -> None:
        report_open(application=activation.process)

    def remind_report(self, activation: Any) -> None:
        report_remind(application=activation.process)

    def escalate_report(self, activation: Any) -> None:
        report_escalate(application=activation.process)


def application_open(*, journey: Journey, actor: User) -> Application:
    """The holder opens the application of a journey that ended ready to apply (the one
    place applications start); a double click opens one."""
    with transaction.atomic():
        application_open_check(journey=journey, actor=actor)
        application: Application = ApplicationFlow.start.run(journey=journey)
        application_opened(application=application, journey=journey, actor=actor)
    return application


def application_move_session(
    *, application: Application, actor: User, session: CommitteeSession
) -> Application:
    """Move a dossier waiting for its committee to another session; when its scoring was
    already open (the instruction note written), it opens again for the new session's
    members."""
    with transaction.atomic(), ApplicationFlow.lock(application.pk):
        scoring_was_open = application.task_set.filter(
            flow_task=ApplicationFlow.deliberation, status__in=OPEN_STATUSES
        ).exists()
        session_move(application=application, actor=actor, session=session)
        if scoring_was_open:
            scorings_start(application=application)
    return application


def applications_move_session(
    *, pks: Iterable[int], actor: User, session: CommitteeSession
) -> BatchOutcome:
    """Move each selected dossier the actor may instruct to ``session``, one by one through
    ``application_move_session`` (its rules refuse a dossier not waiting for a committee,
    already on that session, or a session that no longer takes dossiers)."""
    return applications_act(
        pks=pks,
        actor=actor,
        act=lambda a: application_move_session(application=a, actor=actor, session=session),
    )

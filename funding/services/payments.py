"""Business actions after a favourable avis (stages 9 to 11): one funding line per
financier, each decided and signed by that financier; the convention; the tranches of
payment and their conditions; the follow-up reports; the closure.

Typed, keyword-only, never given a request. Actions that complete a step run inside
``workflows.engine.task_perform`` (flow lock + one transaction).
"""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import User
from funding.formatting import format_euros
from funding.models import (
    Condition,
    Convention,
    FollowUpReport,
    FundingLine,
    LineState,
    Tranche,
)
from funding.services.signatures import signer_check
from funding.signals import tranche_released
from notifications.catalogue import Event
from reviewers.models import Outcome
from reviewers.selectors import latest_deliberation
from workflows import notify
from workflows.application.services import application_event, rule_version_for
from workflows.engine import process_cancel, process_lock
from workflows.models import Application, ApplicationStatus

CENT = Decimal("0.01")


# Convention and tranches --------------------------------------------------------------------


def programme_grant(*, application: Application) -> FundingLine:
    grant = application.funding_lines.filter(
        is_programme_grant=True, state=LineState.GRANTED
    ).first()
    if grant is None or grant.decided_amount is None:
        raise ApplicationError("La subvention n'est pas accordée.")
    return grant


def convention_required(*, application: Application) -> bool:
    amount = programme_grant(application=application).decided_amount or Decimal(0)
    return amount > rule_version_for(application=application).convention_threshold


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def application_convention_record(
    *,
    application: Application,
    actor: User,
    waived: bool = False,
    holder_signed_on: datetime.date | None = None,
    mel_signed_on: datetime.date | None = None,
) -> Convention:
    """Record the convention signed by both sides (or, under the threshold, a notification
    instead); then plan the tranches and the follow-up reports."""
    signer_check(application=application, actor=actor)
    required = convention_required(application=application)
    today = timezone.localdate()
    if waived and required:
        threshold = rule_version_for(application=application).convention_threshold
        raise ApplicationError(
            f"Au-delà de {format_euros(threshold)} la convention est obligatoire.", field="waived"
        )
    if not waived:
        if holder_signed_on is None or mel_signed_on is None:
            raise ApplicationError(
                "Indiquez les dates de signature du bénéficiaire et de la MEL.",
                field="holder_signed_on" if holder_signed_on is None else "mel_signed_on",
            )
        if holder_signed_on > today or mel_signed_on > today:
            raise ApplicationError("Une date de signature ne peut pas être dans le futur.")
    convention = Convention.objects.create(
        application=application,
        required=required,
        waived=waived,
        holder_signed_on=None if waived else holder_signed_on,
        mel_signed_on=None if waived else mel_signed_on,
        recorded_by=actor,
    )
    _plan_tranches(application)
    application_event(
        application=application,
        actor=actor,
        message="Notification de subvention envoyée (sans convention)."
        if waived
        else "Convention signée par le bénéficiaire et par la MEL.",
    )
    return convention


def _plan_tranches(application: Application) -> None:
    amount = programme_grant(application=application).decided_amount or Decimal(0)
    advance = (amount * settings.DISBURSEMENT_ADVANCE_PERCENT / 100).quantize(CENT, ROUND_HALF_UP)
    first = [Condition.CONVENTION_SIGNED, Condition.IBAN_KNOWN]
    balance = [Condition.IBAN_KNOWN, Condition.FINAL_REPORT_RECEIVED]
    # Judged now, at the decision, not years later when the company has grown older.
    if esus_required(application=application):
        balance.append(Condition.ESUS_GRANTED)
    deliberation = latest_deliberation(application=application)
    if deliberation is not None and deliberation.outcome == Outcome.WITH_CONDITIONS:
        first.append(Condition.COMMITTEE_CONDITIONS_MET)
    Tranche.objects.bulk_create(
        [
            Tranche(application=application, position=1, label="Avance", amount=advance,
                    conditions=list(first)),
            Tranche(application=application, position=2, label="Solde", amount=amount - advance,
                    conditions=balance),
        ]
    )  # fmt: skip


def _plan_reports(application: Application) -> None:
    """Reports fall due counted from the advance: the money the project works with."""
    decided = timezone.localdate()
    months = sorted(settings.FOLLOW_UP_REPORT_MONTHS)
    FollowUpReport.objects.bulk_create(
        FollowUpReport(
            application=application,
            months=m,
            due_on=add_months(decided, m),
            is_final=m == months[-1],
        )
        for m in months
    )


def esus_required(*, application: Application) -> bool:
    """A commercial company older than the rule's limit needs the ESUS agrément."""
    structure = application.project.structure
    version = rule_version_for(application=application)
    if structure is None or not structure.legal_form.is_commercial_company:
        return False
    limit, age = version.esus_required_after_years, structure.age_in_years
    return limit is not None and age is not None and age > limit


def tranche_blockers(*, tranche: Tranche) -> list[str]:
    """Why a tranche cannot be paid yet, in plain words (empty when it can)."""
    application = tranche.application
    structure = application.project.structure
    reasons = []
    for condition in tranche.conditions:
        if condition == Condition.CONVENTION_SIGNED:
            convention = Convention.objects.filter(application=application).first()
            if convention is None or not (convention.is_signed or convention.waived):
                reasons.append("La convention n'est pas signée par les deux parties.")
        elif condition == Condition.IBAN_KNOWN and not (structure and structure.iban):
            reasons.append(
                "Les coordonnées bancaires (IBAN) de la structure manquent. C'est au porteur "
                "ou à la porteuse du projet de les indiquer."
            )
        elif condition == Condition.COMMITTEE_CONDITIONS_MET and not application.conditions_met_at:
            reasons.append("Les conditions posées par le comité ne sont pas encore levées.")
        elif (
            condition == Condition.FINAL_REPORT_RECEIVED
            and application.reports.filter(is_final=True, submitted_at__isnull=True).exists()
        ):
            reasons.append("Le rapport final n'est pas encore rendu.")
        elif (
            condition == Condition.ESUS_GRANTED
            and structure is not None
            and structure.esus_status != "granted"
        ):
            reasons.append(
                "L'agrément ESUS n'est pas encore obtenu : le solde attend l'agrément "
                f"({structure.get_esus_status_display().lower()}). Le porteur ou la porteuse "
                "l'indique sur la fiche de sa structure dès qu'il est obtenu."
            )
    return reasons


def application_conditions_met(*, application: Application, actor: User, note: str) -> None:
    """MEL staff record that the committee's conditions are fulfilled."""
    signer_check(application=application, actor=actor)
    if not note.strip():
        raise ApplicationError("Indiquez comment les conditions ont été levées.", field="note")
    with transaction.atomic(), process_lock(application):
        application.refresh_from_db()
        if application.conditions_met_at is not None:
            raise ApplicationError("Les conditions du comité sont déjà levées.")
        application.conditions_met_at = timezone.now()
        application.save(update_fields=["conditions_met_at"])
        application_event(
            application=application, actor=actor, message=f"Conditions du comité levées : {note}"
        )


def tranche_release(*, application: Application, position: int, actor: User) -> Tranche:
    """Order the payment of a tranche; refused, with every reason, while a condition is unmet."""
    signer_check(application=application, actor=actor)
    tranche = application.tranches.filter(position=position).first()
    if tranche is None:
        raise ApplicationError("Cette tranche n'existe pas.")
    if tranche.released_at is not None:
        raise ApplicationError("Cette tranche est déjà versée.")
    blockers = tranche_blockers(tranche=tranche)
    if blockers:
        # Phrased around the label: "Avance" and "Solde" do not share a gender.
        raise ApplicationError(f"Versement bloqué ({tranche.label}) : " + " ".join(blockers))
    tranche.released_at, tranche.released_by = timezone.now(), actor
    tranche.save(update_fields=["released_at", "released_by"])
    if position == 1:
        application.stage = ApplicationStatus.FOLLOW_UP
        application.save(update_fields=["stage"])
        _plan_reports(application)
    application_event(
        application=application,
        actor=actor,
        message=f"Mise en paiement : {tranche.label} de {format_euros(tranche.amount)}.",
    )
    notify.tranche_released(application=application, tranche=tranche)
    tranche_released.send(sender=Tranche, tranche=tranche)
    return tranche


def application_close(*, application: Application, actor: User, note: str = "") -> Application:
    """Close the follow-up once the balance is paid, or without it (reason required)."""
    signer_check(application=application, actor=actor)
    balance = application.tranches.filter(position=2, released_at__isnull=True).first()
    if balance is not None and not note.strip():
        raise ApplicationError(
            "Le solde n'est pas versé : expliquez pourquoi le dossier est clôturé sans lui.",
            field="note",
        )
    application.stage = ApplicationStatus.CLOSED
    application.save(update_fields=["stage"])
    application_event(
        application=application,
        actor=actor,
        message="Dossier clôturé." + (f" {note.strip()}" if note.strip() else ""),
    )
    notify.dossier_closed(
        application=application,
        notice="Le suivi de votre dossier est terminé : merci pour vos rapports. "
        + (note.strip() if note.strip() else "Le solde de la subvention est mis en paiement."),
    )
    return application


def application_close_unpaid(*, application: Application, actor: User, reason: str) -> Application:
    """Close a funded dossier before any payment (convention never signed, bank details
    never given, project abandoned): every open step is cancelled."""
    signer_check(application=application, actor=actor)
    if not reason.strip():
        raise ApplicationError("Expliquez pourquoi le dossier est clôturé sans versement.")
    with transaction.atomic(), process_lock(application):
        application.refresh_from_db()
        paid = application.tranches.filter(released_at__isnull=False).exists()
        if application.stage != ApplicationStatus.CONVENTION or paid:
            raise ApplicationError(
                "Seul un dossier financé dont rien n'est encore versé peut être clôturé ainsi."
            )
        process_cancel(application)
        application.refresh_from_db()
        application.stage = ApplicationStatus.CLOSED
        application.closed_notice = f"Dossier clôturé sans versement : {reason.strip()}"
        application.save(update_fields=["stage", "closed_notice"])
        application_event(application=application, actor=actor, message=application.closed_notice)
        notify.dossier_closed(application=application, notice=application.closed_notice)
    return application


# Follow-up reports --------------------------------------------------------------------------


def current_report(*, application: Application) -> FollowUpReport | None:
    return application.reports.filter(submitted_at__isnull=True).order_by("due_on").first()


def _at_start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def report_opens_at(*, application: Application) -> datetime.datetime:
    report = current_report(application=application)
    day = report.due_on if report else timezone.localdate()
    return _at_start_of(day - datetime.timedelta(days=settings.FOLLOW_UP_REPORT_OPENS_DAYS_BEFORE))


def report_due_at(*, application: Application) -> datetime.datetime:
    """End of the due day of the report being written."""
    report = current_report(application=application)
    day = report.due_on if report else timezone.localdate()
    return _at_start_of(day + datetime.timedelta(days=1))


REPORT_FIELDS = (
    "jobs_created_fte",
    "jobs_kept_fte",
    "qpv_residents_hired",
    "turnover",
    "beneficiaries",
    "still_active",
    "comment",
)


def report_submit(
    *, application: Application, actor: User, values: dict[str, Any]
) -> FollowUpReport:
    """The holder sends the report that is due, with its indicators."""
    if actor.pk != application.holder_id:
        raise ApplicationError("Seul·e le ou la porteur·se du projet peut rendre le rapport.")
    report = current_report(application=application)
    if report is None:
        raise ApplicationError("Aucun rapport n'est attendu.")
    if values.get("still_active") is None:
        raise ApplicationError("Indiquez si l'activité continue.", field="still_active")
    for name in REPORT_FIELDS:
        setattr(report, name, values.get(name) if name != "comment" else values.get(name) or "")
    report.submitted_at, report.submitted_by = timezone.now(), actor
    report.save()
    application_event(
        application=application,
        actor=actor,
        message=f"{'Rapport final' if report.is_final else str(report)} rendu.",
    )
    return report


def report_remind(*, application: Application) -> None:
    report = current_report(application=application)
    if report is not None:
        report.reminded_at = timezone.now()
        report.save(update_fields=["reminded_at"])
    application_event(
        application=application,
        message=f"Relance : le {str(report).lower() if report else 'rapport'} est en retard. "
        f"Sans réponse sous {settings.FOLLOW_UP_ESCALATION_DAYS} jours, le responsable du "
        "programme est alerté.",
    )
    if report is not None:
        notify.report_event(application=application, report=report, event=Event.REPORT_LATE)


def report_escalate(*, application: Application) -> None:
    report = current_report(application=application)
    if report is not None:
        report.escalated_at = timezone.now()
        report.save(update_fields=["escalated_at"])
    application_event(
        application=application,
        message="Rapport toujours en retard après la relance : le responsable du programme "
        "est alerté.",
    )
    if report is not None:
        notify.report_event(application=application, report=report, event=Event.REPORT_ESCALATED)


def report_open(*, application: Application) -> None:
    """The next report opens: the holder is told what to send and by when."""
    report = current_report(application=application)
    if report is not None:
        notify.report_event(application=application, report=report, event=Event.REPORT_DUE)

"""Business actions after a favourable avis (stages 9 to 11): one funding line per
financier, each decided and signed by that financier; the convention; the tranches of
payment and their conditions; the follow-up reports; the closure.

Typed, keyword-only, never given a request. Actions that complete a step run inside
``workflows.engine.task_perform`` (flow lock + one transaction).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import OrganisationKind, User
from accounts.services import access_grant_all
from funding.formatting import format_euros
from funding.models import (
    Condition,
    Convention,
    FollowUpReport,
    FundingInstrument,
    FundingLine,
    LineState,
    Tranche,
)
from notifications.catalogue import Event
from reviewers.models import Outcome
from reviewers.selectors import latest_deliberation
from workflows import notify
from workflows.application.services import application_event, programme, rule_version_for
from workflows.engine import process_cancel, process_lock, process_resume
from workflows.models import Application, ApplicationStatus, FinancingStatus

CENT = Decimal("0.01")


# Funding lines -----------------------------------------------------------------------------


def funding_line_specs(*, application: Application) -> list[dict[str, Any]]:
    """One funding line per financier: the programme's grant for the amount the committee
    proposed, and each co-financer of the plan that works on the platform."""
    deliberation = latest_deliberation(application=application)
    grant_financier = programme().grant_financier
    if deliberation is None or deliberation.proposed_amount is None or grant_financier is None:
        raise ApplicationError("L'avis du comité ou le financeur de la subvention manque.")
    specs: list[dict[str, Any]] = [
        {
            "organisation": grant_financier,
            "is_programme_grant": True,
            "instrument": FundingInstrument.SUBV_FONCT,
            "proposed_amount": deliberation.proposed_amount,
        }
    ]
    co_financing = application.financing_lines.filter(
        status=FinancingStatus.SOUGHT,
        organisation__kind=OrganisationKind.FINANCIER,
        organisation__is_active=True,
    ).select_related("organisation")
    specs += [
        {
            "organisation": line.organisation,
            "is_programme_grant": False,
            "instrument": line.instrument,
            "proposed_amount": line.amount,
        }
        for line in co_financing
    ]
    return specs


def funding_line_opened(*, line: FundingLine) -> None:
    """The financier's members may see and sign their line, and see the dossier."""
    access_grant_all(
        organisation=line.organisation,
        grants=[(line, ("view", "sign")), (line.dossier, ("view",))],
    )
    notify.funding_line_to_sign(line=line)


def funding_lines_opened(*, application: Application, lines: list[FundingLine]) -> None:
    application_event(
        application=application,
        message="Dossier transmis aux financeurs : "
        + ", ".join(f"{line.organisation} ({format_euros(line.proposed_amount)})" for line in lines)
        + ".",
    )


def funding_line_prepare(*, line: FundingLine, dossier: Application, **fields: Any) -> FundingLine:
    """Fill a line that the flow's start node is about to save (no write here)."""
    line.dossier = dossier
    for name, value in fields.items():
        setattr(line, name, value)
    return line


def _second_signature_needed(amount: Decimal) -> bool:
    return amount > Decimal(settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR)


def funding_line_decide(
    *,
    line: FundingLine,
    actor: User,
    grant: bool,
    amount: Decimal | None = None,
    reason: str = "",
) -> FundingLine:
    """A member of the financier grants (with the amount) or declines (with a reason) its
    own line. Above the configured amount a grant waits for a second signatory."""
    if not line.organisation.memberships.filter(user=actor).exists():
        raise ApplicationError("Seul·e un membre de ce financeur peut décider de sa ligne.")
    if not grant:
        if not reason.strip():
            raise ApplicationError("Motivez le refus de financement.", field="reason")
        line.state, line.decided_amount = LineState.DECLINED, None
    else:
        if amount is None or amount <= 0:
            raise ApplicationError("Indiquez le montant accordé.", field="amount")
        if amount > line.proposed_amount:
            raise ApplicationError(
                (
                    "La subvention ne peut pas dépasser le montant proposé par le comité "
                    if line.is_programme_grant
                    else "Le montant accordé ne peut pas dépasser le montant sollicité "
                )
                + f"({format_euros(line.proposed_amount)}).",
                field="amount",
            )
        line.decided_amount = amount
        line.state = (
            LineState.AWAITING_SECOND if _second_signature_needed(amount) else LineState.GRANTED
        )
    line.reason = reason.strip()
    line.first_signer, line.first_signed_at = actor, timezone.now()
    line.second_signer, line.second_signed_at = None, None
    line.save()
    verdict = (
        f"accorde {format_euros(line.decided_amount)}"
        if line.decided_amount
        else "ne finance pas le projet"
    )
    waiting = " — seconde signature attendue" if line.state == LineState.AWAITING_SECOND else ""
    application_event(
        application=line.dossier, actor=actor, message=f"{line.organisation} {verdict}{waiting}."
    )
    if line.is_settled:
        notify.funding_line_decided(line=line)
    elif line.state == LineState.AWAITING_SECOND:
        notify.countersign_due(line=line)
    if line.state == LineState.DECLINED:  # a financier's reasons stay between it and the MEL
        application_event(
            application=line.dossier,
            actor=actor,
            message=f"Motif du refus de {line.organisation} : {line.reason}",
            staff_only=True,
        )
    return line


def funding_line_countersign(
    *, line: FundingLine, actor: User, confirm: bool, reason: str = ""
) -> FundingLine:
    """A second member of the same financier confirms the grant, or sends it back."""
    if not line.organisation.memberships.filter(user=actor).exists():
        raise ApplicationError("Seul·e un membre de ce financeur peut contresigner.")
    if actor.pk == line.first_signer_id:
        raise ApplicationError(
            "Vous avez signé la décision : la seconde signature revient à un·e collègue."
        )
    if confirm:
        line.state = LineState.GRANTED
        line.second_signer, line.second_signed_at = actor, timezone.now()
        message = f"{line.organisation} : seconde signature de {actor}."
    else:
        if not reason.strip():
            raise ApplicationError("Expliquez pourquoi la décision est renvoyée.", field="reason")
        line.state, line.reason = LineState.PENDING, reason.strip()
        line.decided_amount, line.first_signer, line.first_signed_at = None, None, None
        message = f"{line.organisation} : décision renvoyée pour réexamen ({line.reason})."
    line.save()
    application_event(
        application=line.dossier, actor=actor, message=message, staff_only=not confirm
    )
    if confirm:
        notify.funding_line_decided(line=line)
    return line


def funding_line_settled(*, line: FundingLine) -> None:
    """Tell the dossier a line is settled; the last one lets the dossier move on (it waits
    for its lines at a ``Handle``). Serialised on the dossier's lock, so exactly one of two
    lines settled at once moves it."""
    dossier = line.dossier
    with process_lock(dossier):
        unsettled = FundingLine.objects.filter(dossier_id=dossier.pk).exclude(
            state__in=[LineState.GRANTED, LineState.DECLINED, LineState.CANCELLED]
        )
        if not unsettled.exists():
            process_resume(dossier)


def funding_line_cancel(*, line: FundingLine, actor: User, reason: str) -> FundingLine:
    """MEL staff withdraw a line that will not be decided (a financier that never answers,
    or one that cannot sign twice): the dossier moves on as if it were settled."""
    if not reason.strip():
        raise ApplicationError("Indiquez pourquoi cette ligne est retirée.", field="reason")
    with transaction.atomic(), process_lock(line):
        line.refresh_from_db()
        if line.is_settled:
            raise ApplicationError(
                "Ce financeur a déjà décidé : la ligne ne peut plus être retirée."
            )
        process_cancel(line)
        line.refresh_from_db()
        line.state, line.reason = LineState.CANCELLED, reason.strip()
        line.save(update_fields=["state", "reason"])
        application_event(
            application=line.dossier,
            actor=actor,
            message=f"Ligne de {line.organisation} retirée par l'équipe de la MEL : {line.reason}",
        )
        funding_line_settled(line=line)
    return line


def application_funding_close(*, application: Application) -> Application:
    """Every financier has decided: the programme's grant decides whether the dossier goes
    on to the convention; co-financers' decisions stand either way."""
    grant = application.funding_lines.filter(is_programme_grant=True).first()
    funded = grant is not None and grant.state == LineState.GRANTED
    application.stage = ApplicationStatus.CONVENTION if funded else ApplicationStatus.NOT_FUNDED
    application.save(update_fields=["stage"])
    application_event(
        application=application,
        message="Tous les financeurs ont décidé. "
        + (
            f"Subvention accordée : {format_euros(grant.decided_amount or 0)}."
            if funded and grant
            else "La subvention Entreprendre Autrement n'est pas accordée."
        ),
    )
    return application


@dataclass(frozen=True)
class Coverage:
    asked: Decimal
    granted: Decimal
    pending: Decimal
    declined: Decimal
    rows: list[tuple[str, str, Decimal, str]]  # financier, instrument, amount, state label

    @property
    def gap(self) -> Decimal:
        return self.asked - self.granted - self.pending

    @property
    def is_covered(self) -> bool:
        return self.pending == 0 and self.granted >= self.asked


def financing_coverage(*, application: Application) -> Coverage:
    """Whether the financing plan is still covered: each financier's line on the platform,
    plus co-financing obtained or sought outside it."""
    rows: list[tuple[str, str, Decimal, str]] = []
    asked = granted = pending = declined = Decimal(0)
    lines = application.funding_lines.select_related("organisation")
    on_platform = set()
    for line in lines:
        on_platform.add(line.organisation_id)
        asked += line.proposed_amount
        if line.state == LineState.GRANTED:
            granted += line.decided_amount or 0
        elif line.state in (LineState.PENDING, LineState.AWAITING_SECOND):
            pending += line.proposed_amount
        else:
            declined += line.proposed_amount
        amount = line.decided_amount or line.proposed_amount
        rows.append(
            (
                str(line.organisation),
                line.get_instrument_display(),
                amount,
                line.get_state_display(),
            )
        )
    for other in application.financing_lines.all():
        if other.organisation_id in on_platform:
            continue
        asked += other.amount
        if other.status == FinancingStatus.OBTAINED:
            granted += other.amount
        else:
            pending += other.amount
        label = f"{other.get_status_display()} (hors plateforme)"
        rows.append((other.financier_name, other.get_instrument_display(), other.amount, label))
    return Coverage(asked, granted, pending, declined, rows)


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
            reasons.append("Les coordonnées bancaires (IBAN) de la structure manquent.")
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
                f"({structure.get_esus_status_display().lower()})."
            )
    return reasons


def application_conditions_met(*, application: Application, actor: User, note: str) -> None:
    """MEL staff record that the committee's conditions are fulfilled."""
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
    tranche = application.tranches.filter(position=position).first()
    if tranche is None:
        raise ApplicationError("Cette tranche n'existe pas.")
    if tranche.released_at is not None:
        raise ApplicationError("Cette tranche est déjà versée.")
    blockers = tranche_blockers(tranche=tranche)
    if blockers:
        raise ApplicationError(f"{tranche.label} bloquée : " + " ".join(blockers))
    tranche.released_at, tranche.released_by = timezone.now(), actor
    tranche.save(update_fields=["released_at", "released_by"])
    if position == 1:
        application.stage = ApplicationStatus.FOLLOW_UP
        application.save(update_fields=["stage"])
        _plan_reports(application)
    application_event(
        application=application,
        actor=actor,
        message=f"{tranche.label} de {format_euros(tranche.amount)} mise en paiement.",
    )
    notify.tranche_released(application=application, tranche=tranche)
    return tranche


def application_close(*, application: Application, actor: User, note: str = "") -> Application:
    """Close the follow-up once the balance is paid, or without it (reason required)."""
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

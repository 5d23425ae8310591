"""Each financier's funding line: what it is asked for, its decision and signatures, its
withdrawal by MEL staff, and whether the financing plan is still covered."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import OrganisationKind, User
from accounts.services import access_grant_all
from funding.formatting import format_euros
from funding.models import (
    FundingInstrument,
    FundingLine,
    LineState,
)
from funding.services.signatures import (
    countersign_impossible,
    instructor_refusal,
    second_signature_above,
)
from funding.signals import line_decided
from reviewers.selectors import latest_deliberation
from workflows import notify
from workflows.application.services import application_event, programme, rule_version_for
from workflows.engine import process_cancel, process_lock, process_resume
from workflows.models import Application, ApplicationStatus, FinancingStatus

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
    refusal = instructor_refusal(line=line, actor=actor)
    if refusal:
        raise ApplicationError(refusal)
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
        if countersign_impossible(
            organisation=line.organisation, amount=amount, first_signer=actor
        ):
            # Recorded, it would wait for ever for a signature nobody can give.
            raise ApplicationError(
                f"Cette décision ne peut pas être enregistrée : au-delà de "
                f"{format_euros(second_signature_above())}, un·e second·e membre de "
                f"{line.organisation} doit contresigner, et personne d'autre que vous ne peut le "
                f"faire. Accordez au plus {format_euros(second_signature_above())}, ou demandez au "
                "service des habilitations de la MEL d'ajouter un·e second·e signataire à votre "
                "organisation.",
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
        notify.financier_decision(line=line)
        line_decided.send(sender=FundingLine, line=line)
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
    refusal = instructor_refusal(line=line, actor=actor, countersign=True)
    if refusal:
        raise ApplicationError(refusal)
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
        notify.financier_decision(line=line)
        line_decided.send(sender=FundingLine, line=line)
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
    if funded and grant:
        threshold = rule_version_for(application=application).convention_threshold
        notify.convention_ready(
            application=application,
            amount=grant.decided_amount or 0,
            convention=(grant.decided_amount or 0) > threshold,
        )
    else:
        notify.dossier_closed(
            application=application,
            notice=f"La subvention Entreprendre Autrement n'est pas accordée à « "
            f"{application.project.title} ». Les décisions de chaque financeur sont sur la "
            "page du dossier ; l'équipe de la MEL peut vous orienter vers d'autres solutions.",
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

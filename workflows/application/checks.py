"""MEL staff's checks of a submitted application: completeness (with complements asked of
the holder, their deadline and reminder) and eligibility against the rule version in force."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.french import plural
from accounts.models import User
from funding.services.rules import legal_form_is_eligible, requested_amount_check
from workflows import notify
from workflows.application.services import (
    application_event,
    missing_documents,
    rule_version_for,
)
from workflows.models import (
    Application,
    ApplicationStatus,
    ComplementRequest,
    EligibilityCheck,
)

# Completeness ----------------------------------------------------------------------------


def application_completeness(
    *,
    application: Application,
    actor: User,
    complete: bool,
    items: list[str] | None = None,
    message: str = "",
    deadline: datetime.date | None = None,
) -> Application:
    """MEL staff declare the dossier complete, or ask for the listed complements. It cannot
    be complete while a mandatory document has no file: then only complements can be asked."""
    if complete:
        missing = missing_documents(application=application)
        if missing:
            labels = ", ".join(f"« {document.label} »" for document in missing)
            one = len(missing) == 1
            raise ApplicationError(
                "Le dossier ne peut pas être déclaré complet : il manque "
                + (
                    f"la pièce {labels}. Demandez-la en complément."
                    if one
                    else f"les pièces {labels}. Demandez-les en compléments."
                ),
                field="decision",
            )
        application.stage = ApplicationStatus.COMPLETE
        application.save(update_fields=["stage"])
        application_event(application=application, actor=actor, message="Dossier complet.")
        notify.application_complete(application=application)
        return application
    if not items:
        raise ApplicationError("Cochez les éléments à compléter.", field="items")
    if not message.strip():
        raise ApplicationError("Expliquez au porteur ce qu'il doit fournir.", field="message")
    request = ComplementRequest(
        application=application, items=items, message=message, requested_by=actor
    )
    if deadline is not None:
        if deadline <= timezone.localdate():
            raise ApplicationError("La date limite doit être dans le futur.", field="deadline")
        request.deadline = deadline
    request.save()
    application.stage = ApplicationStatus.INCOMPLETE
    application.save(update_fields=["stage"])
    notify.complements_requested(
        application=application, message=message, deadline=request.deadline
    )
    application_event(
        application=application,
        actor=actor,
        message=f"Compléments demandés avant le {request.deadline:%d/%m/%Y} : {message}",
    )
    return application


def complement_due(*, application: Application) -> datetime.datetime:
    """End of the deadline day of the pending complement request."""
    request = application.complement_requests.filter(answered_at__isnull=True).first()
    day = request.deadline if request else timezone.localdate()
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(end)


def application_complements_remind(*, application: Application) -> None:
    """The complement deadline passed: remind the applicant, the grace period starts."""
    grace = settings.COMPLEMENT_GRACE_DAYS
    application.complement_requests.filter(answered_at__isnull=True).update(
        reminded_at=timezone.now()
    )
    application_event(
        application=application,
        message=f"Relance : les compléments demandés n'ont pas été reçus. Sans réponse dans "
        f"les {grace} jours, le dossier sera classé sans suite.",
    )
    notify.complements_reminder(application=application)


def application_close_no_follow_up(*, application: Application) -> None:
    """No complements even after the reminder: the dossier is closed with a notice."""
    application.stage = ApplicationStatus.CLOSED_NO_FOLLOW_UP
    application.closed_notice = (
        "Votre candidature est classée sans suite : les compléments demandés n'ont pas été "
        "reçus malgré la relance. Vous pouvez reprendre contact avec l'équipe de la MEL."
    )
    application.save(update_fields=["stage", "closed_notice"])
    application_event(application=application, message=application.closed_notice)
    notify.dossier_closed(application=application, notice=application.closed_notice)


# Eligibility -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    rule: str
    label: str
    passed: bool
    detail: str


def application_eligibility_checks(application: Application) -> list[CheckResult]:
    """Each eligibility rule of the applicable version, with its result and why."""
    version = rule_version_for(application=application)
    structure = application.project.structure
    checks: list[CheckResult] = []
    if structure is None:
        return [CheckResult("structure", "Structure porteuse", False, "Aucune structure.")]
    form = structure.legal_form
    ok = legal_form_is_eligible(rule_version=version, legal_form=form)
    checks.append(
        CheckResult(
            "legal_form",
            "Forme juridique éligible",
            ok,
            f"{form.label} : {'éligible' if ok else 'non éligible'} ({version.label}).",
        )
    )
    age = structure.age_in_years
    if form.is_commercial_company and version.esus_required_after_years is not None:
        limit = version.esus_required_after_years
        # Required of companies older than the limit; a pending request is accepted (the
        # balance of the grant then waits for the agrément).
        needs_esus = age is not None and age > limit
        esus_ok = not needs_esus or structure.esus_status in ("granted", "requested")
        checks.append(
            CheckResult(
                "esus",
                "Agrément ESUS des sociétés commerciales",
                esus_ok,
                f"Société {_years_old(age)} ; agrément exigé au-delà de {_years(limit)} : "
                f"{structure.get_esus_status_display()}.",
            )
        )
    if application.axis == "startup":
        age_limit = version.startup_age_limit_years
        ok = age is None or age <= age_limit
        checks.append(
            CheckResult(
                "startup_age",
                "Âge de la structure (volet démarrage)",
                ok,
                f"Structure {_years_old(age or 0)} ; au plus {_years(age_limit)} pour le "
                "volet démarrage.",
            )
        )
    commune = structure.commune or application.project.commune
    in_mel = bool(commune and commune.in_mel)
    checks.append(
        CheckResult(
            "commune",
            "Implantation dans la Métropole Européenne de Lille",
            in_mel,
            f"{commune.name if commune else 'Commune inconnue'} : "
            f"{'dans' if in_mel else 'hors de'} la MEL.",
        )
    )
    problems = requested_amount_check(
        rule_version=version,
        requested=application.requested_amount or Decimal(0),
        budget=application.total_budget or Decimal(0),
    )
    checks.append(
        CheckResult(
            "amount",
            "Montant dans les plafonds",
            not problems,
            " ".join(problems) or f"Dans les plafonds du {version.label.lower()}.",
        )
    )
    return checks


def application_eligibility_decide(
    *, application: Application, actor: User, eligible: bool, reasons: str = ""
) -> Application:
    """Record each check and the decision; a refusal needs its reasons (for the letter)."""
    checks = application_eligibility_checks(application)
    if not eligible and not reasons.strip():
        raise ApplicationError("Motivez le refus : il figure dans le courrier.", field="reasons")
    if eligible and not all(c.passed for c in checks):
        raise ApplicationError(
            "Une règle d'éligibilité n'est pas respectée : le dossier ne peut pas être déclaré "
            "éligible."
        )
    application.eligibility_checks.all().delete()
    EligibilityCheck.objects.bulk_create(
        EligibilityCheck(
            application=application, rule=c.rule, label=c.label, passed=c.passed, detail=c.detail
        )
        for c in checks
    )
    application.stage = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    application.refusal_reasons = "" if eligible else reasons
    application.save(update_fields=["stage", "refusal_reasons"])
    application_event(
        application=application,
        actor=actor,
        message="Éligible — inscription en comité à venir."
        if eligible
        else f"Non éligible : {reasons}",
    )
    if eligible:
        notify.application_eligible(application=application)
    else:
        notify.dossier_closed(
            application=application,
            notice=f"Votre candidature n'est pas éligible : {reasons} Le courrier motivé est "
            "sur la page du dossier.",
        )
    return application


def _years(count: int) -> str:
    return f"{count}\u00a0{plural(count, 'an', 'ans')}"


def _years_old(age: int | None) -> str:
    return "d'âge inconnu" if age is None else f"de {_years(age)}"

"""Business actions of the application (stages 5 to 7). Typed, keyword-only, never given a
request. Actions that complete a step are called by ``workflows.engine.task_perform`` inside
the flow lock, so the change and the move to the next step commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind, User
from accounts.services import access_grant, access_revoke
from funding.formatting import format_euros
from funding.models import CallRuleVersion, Programme, RequiredDocument
from funding.selectors import required_documents_for, rule_version_in_force
from funding.services.rules import requested_amount_check
from workflows import notify
from workflows.engine import process_cancel, process_lock, processes_cancel_open
from workflows.models import (
    Application,
    ApplicationEdit,
    ApplicationEvent,
    ApplicationStatus,
    BudgetKind,
    FinancingLine,
    FinancingStatus,
    Journey,
    JourneyStage,
    Mandate,
)

PROGRAMME_SLUG = "entreprendre-autrement"

# Fields of the form, with the label used in messages and complement requests.
FIELD_LABELS: dict[str, str] = {
    "axis": "le volet (démarrage ou développement)",
    "requested_amount": "le montant demandé",
    "charges_total": "le total des charges du budget prévisionnel",
    "produits_total": "le total des produits du budget prévisionnel",
    "jobs_planned_fte": "les emplois prévus (ETP)",
    "social_utility": "l'utilité sociale du projet",
}
BUDGET_TOTALS = {"charges_total", "produits_total"}
SCALAR_FIELDS = ("axis", "requested_amount", "jobs_planned_fte", "social_utility")
# Before the committee's decision: the holder may still edit (when asked) or withdraw.
OPEN_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INCOMPLETE,
    ApplicationStatus.COMPLETE,
    ApplicationStatus.ELIGIBLE,
    ApplicationStatus.ON_AGENDA,
    ApplicationStatus.ADJOURNED,
)


def application_event(
    *, application: Application, message: str, actor: User | None = None, staff_only: bool = False
) -> None:
    """Append a line to the application's history (``staff_only``: MEL staff only)."""
    ApplicationEvent.objects.create(
        application=application, message=message, actor=actor, staff_only=staff_only
    )


def application_history(*, application: Application, user: User) -> QuerySet[ApplicationEvent]:
    """The dossier's history as ``user`` may read it: all of it for MEL staff, without the
    staff-only lines (conflicts, reminders to members, financiers' reasons) for others."""
    events = application.events.select_related("actor")
    if user.has_perm("workflows.instruct_application"):
        return events
    return events.filter(staff_only=False)


def programme() -> Programme:
    found = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    if found is None:
        raise ApplicationError(
            "Le programme Entreprendre Autrement n'est pas paramétré : l'équipe de la MEL "
            "doit charger son règlement."
        )
    return found


def rule_version_for(*, application: Application) -> CallRuleVersion:
    """The rule version fixed at submission, or the one in force today for a draft."""
    if application.rule_version is not None:
        return application.rule_version
    return rule_version_in_force(programme=programme(), on_date=timezone.localdate())


# Opening ---------------------------------------------------------------------------------


def application_open_check(*, journey: Journey, actor: User) -> None:
    """Whether ``actor`` may open the application of ``journey`` now: its holder, once the
    support ended ready to apply, and only once (call inside the transaction that opens it:
    it serialises on the journey, so a double click opens one application)."""
    if actor.pk != journey.holder_id:
        raise ApplicationError("Seul·e le ou la porteur·se du projet peut ouvrir la candidature.")
    if journey.stage != JourneyStage.READY_TO_APPLY:
        raise ApplicationError(
            "La candidature s'ouvre quand la structure d'accompagnement a rendu un avis favorable."
        )
    Journey.objects.select_for_update().filter(pk=journey.pk).exists()
    if Application.objects.filter(source_journey=journey).exists():
        raise ApplicationError("La candidature de ce projet est déjà ouverte.")


def application_opened(*, application: Application, journey: Journey, actor: User) -> None:
    """The application just opened: the supporting organisation sees it, history says so."""
    organisation = journey.project.support_organisation
    if organisation is not None:
        access_grant(organisation=organisation, obj=application, actions=("view",))
    application_event(
        application=application, actor=actor, message="Candidature ouverte (brouillon)."
    )


def application_prepare(*, application: Application, journey: Journey) -> Application:
    """Fill an application that the flow's start node is about to save (no write here)."""
    application.source_journey = journey
    application.project = journey.project
    application.holder = journey.holder
    application.stage = ApplicationStatus.DRAFT
    application.requested_amount = journey.recommended_amount
    return application


# Mandate ---------------------------------------------------------------------------------


def active_mandate(*, application: Application) -> Mandate | None:
    return application.mandates.filter(revoked_at__isnull=True).first()


# A mandate lets the advisors fill in the application: only while it is being filled.
MANDATE_STAGES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.INCOMPLETE,
    ApplicationStatus.ADJOURNED,
)


def mandate_unavailable_reason(*, application: Application) -> str:
    """Why no mandate can be given now, in French ("" when it can)."""
    if application.project.support_organisation_id is None:
        return "Aucune structure d'accompagnement ne suit ce projet."
    if application.stage not in MANDATE_STAGES:
        return (
            "La candidature n'est plus modifiable à cette étape "
            f"({application.get_stage_display().lower()}) : un mandat n'aurait plus d'objet."
        )
    return ""


def mandate_grant(*, application: Application, actor: User) -> Mandate:
    """The holder lets the supporting organisation's advisors fill in the application."""
    if actor.pk != application.holder_id:
        raise ApplicationError("Seul·e le ou la porteur·se du projet peut donner un mandat.")
    unavailable = mandate_unavailable_reason(application=application)
    organisation = application.project.support_organisation
    if unavailable or organisation is None:
        raise ApplicationError(unavailable)
    if active_mandate(application=application) is not None:
        raise ApplicationError("Un mandat est déjà en cours.")
    with transaction.atomic():
        mandate = Mandate.objects.create(
            application=application, organisation=organisation, granted_by=actor
        )
        access_grant(organisation=organisation, obj=application, actions=("view", "fill"))
        application_event(
            application=application,
            actor=actor,
            message=f"Mandat donné à {organisation.name} pour remplir la candidature.",
        )
    return mandate


def mandate_revoke(*, application: Application, actor: User) -> Mandate:
    """The holder withdraws the mandate; the advisors keep read access only."""
    if actor.pk != application.holder_id:
        raise ApplicationError("Seul·e le ou la porteur·se du projet peut retirer le mandat.")
    mandate = active_mandate(application=application)
    if mandate is None:
        raise ApplicationError("Aucun mandat n'est en cours.")
    with transaction.atomic():
        mandate.revoked_at = timezone.now()
        mandate.save(update_fields=["revoked_at"])
        access_revoke(organisation=mandate.organisation, obj=application, actions=("fill",))
        application_event(application=application, actor=actor, message="Mandat retiré.")
    return mandate


# Filling ---------------------------------------------------------------------------------


def editable_fields(*, application: Application) -> set[str] | None:
    """Fields open to edit: all of them in a draft (``None``), only the requested items
    while complements are awaited, none otherwise."""
    if application.stage in (ApplicationStatus.DRAFT, ApplicationStatus.ADJOURNED):
        return None
    if application.stage == ApplicationStatus.INCOMPLETE:
        request = application.complement_requests.filter(answered_at__isnull=True).first()
        items = set(request.items) if request else set()
        # The budget must balance: asking for one of its totals opens both.
        return items | BUDGET_TOTALS if items & BUDGET_TOTALS else items
    return set()


def _budget_total(application: Application, kind: str) -> Decimal | None:
    lines = [line.amount for line in application.budget_lines.all() if line.kind == kind]
    return sum(lines, Decimal(0)) if lines else None


def application_values(*, application: Application) -> dict[str, Any]:
    """The current values of the form, checklist included (``doc_<code>`` → file name)."""
    values: dict[str, Any] = {name: getattr(application, name) for name in SCALAR_FIELDS}
    values["charges_total"] = _budget_total(application, BudgetKind.CHARGE)
    values["produits_total"] = _budget_total(application, BudgetKind.PRODUIT)
    for item in application.checklist_items.select_related("document"):
        values[f"doc_{item.document.code}"] = item.file_name
    return values


def checklist_documents(*, application: Application) -> list[RequiredDocument]:
    """Documents asked of this application's structure under the applicable rules."""
    structure = application.project.structure
    if structure is None:
        return []
    try:
        version = rule_version_for(application=application)
    except ApplicationError:
        return []
    return list(required_documents_for(rule_version=version, legal_form=structure.legal_form))


def application_fill_check(*, application: Application, actor: User) -> Mandate | None:
    """Raise unless ``actor`` may edit; return the mandate when acting under one."""
    if actor.pk == application.holder_id:
        return None
    mandate = active_mandate(application=application)
    if mandate is None or not actor.has_perm("workflows.fill_application", application):
        raise ApplicationError(
            "Vous ne pouvez remplir cette candidature qu'avec un mandat du porteur."
        )
    return mandate


def financing_line_add(
    *,
    application: Application,
    actor: User,
    financier_name: str,
    instrument: str,
    amount: Decimal,
    status: str = FinancingStatus.SOUGHT,
    organisation: Organisation | None = None,
) -> FinancingLine:
    """Add a co-financing (sought or obtained) to the plan, attributed like any edit. A
    financier working on the platform (``organisation``) will decide its line there after a
    favourable avis."""
    mandate = application_fill_check(application=application, actor=actor)
    allowed = editable_fields(application=application)
    if allowed is not None and "financing_lines" not in allowed:
        raise ApplicationError("Le plan de financement n'est pas modifiable à cette étape.")
    if organisation is not None:
        if organisation.kind != OrganisationKind.FINANCIER or not organisation.is_active:
            raise ApplicationError("Ce financeur n'est pas partenaire de la plateforme.")
        financier_name = financier_name.strip() or organisation.name
    if not financier_name.strip() or amount is None or amount <= 0:
        raise ApplicationError("Indiquez le financeur et un montant supérieur à zéro.")
    line = FinancingLine.objects.create(
        application=application,
        organisation=organisation,
        financier_name=financier_name,
        instrument=instrument,
        amount=amount,
        status=status,
    )
    ApplicationEdit.objects.create(
        application=application,
        field="financing_lines",
        new_value=f"{financier_name} — {line.get_instrument_display()} — {format_euros(amount)}",
        editor=actor,
        mandate=mandate,
    )
    return line


@dataclass(frozen=True)
class Missing:
    """One thing that prevents the submission: the sentence, and the form field (or
    ``doc_<code>`` for a document) where the person can fix it."""

    text: str
    field: str = ""


def missing_documents(*, application: Application) -> list[RequiredDocument]:
    """Mandatory documents with no file handed in (the checklist follows the uploads)."""
    ticked = set(application.checklist_items.values_list("document_id", flat=True))
    return [
        document
        for document in checklist_documents(application=application)
        if document.is_mandatory and document.pk not in ticked
    ]


def application_problems(*, application: Application) -> list[Missing]:
    """What still prevents the submission, as precise French sentences tied to fields."""
    values = application_values(application=application)
    problems = [
        Missing(f"Il manque {label}.", name)
        for name, label in FIELD_LABELS.items()
        if values.get(name) in (None, "")
    ]
    if application.project.structure is None:
        problems.append(Missing("Il manque la structure qui porte le projet (fiche structure)."))
    problems += [
        Missing(
            f"Il manque la pièce « {document.label} » : déposez le fichier.", f"doc_{document.code}"
        )
        for document in missing_documents(application=application)
    ]
    charges, produits = values["charges_total"], values["produits_total"]
    if charges is not None and produits is not None and charges != produits:
        problems.append(
            Missing(
                f"Le budget prévisionnel n'est pas équilibré : {format_euros(charges)} de "
                f"charges pour {format_euros(produits)} de produits.",
                "produits_total",
            )
        )
    if values["requested_amount"] is not None and charges is not None:
        try:
            version = rule_version_for(application=application)
        except ApplicationError as error:
            problems.append(Missing(error.message))
        else:
            problems += [
                Missing(text, "requested_amount")
                for text in requested_amount_check(
                    rule_version=version, requested=values["requested_amount"], budget=charges
                )
            ]
    return problems


def application_missing(*, application: Application) -> list[str]:
    """What still prevents the submission, as sentences."""
    return [problem.text for problem in application_problems(application=application)]


def application_submit(*, application: Application, actor: User) -> Application:
    """Submit the application (the holder only), fixing the rule version in force today.
    Refused with the full list of what is missing."""
    if actor.pk != application.holder_id:
        raise ApplicationError("Seul·e le ou la porteur·se du projet peut déposer la candidature.")
    problems = application_missing(application=application)
    if problems:
        raise ApplicationError("Candidature incomplète : " + " ".join(problems))
    today = timezone.localdate()
    if application.stage == ApplicationStatus.DRAFT:
        application.rule_version = rule_version_in_force(programme=programme(), on_date=today)
        application.submitted_at = timezone.now()
        message = "Candidature déposée."
    elif application.stage == ApplicationStatus.ADJOURNED:
        application.stage = ApplicationStatus.ELIGIBLE
        application.save()
        application_event(
            application=application,
            actor=actor,
            message="Candidature retravaillée après l'ajournement : elle repart en comité.",
        )
        notify.application_submitted(application=application, again=True)
        return application
    else:
        application.complement_requests.filter(answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
        message = "Compléments envoyés."
    again = application.stage != ApplicationStatus.DRAFT
    application.stage = ApplicationStatus.SUBMITTED
    application.save()
    application_event(application=application, actor=actor, message=message)
    notify.application_submitted(application=application, again=again)
    return application


# Withdrawal ------------------------------------------------------------------------------


def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    """The holder withdraws before a decision: every open step is cancelled."""
    if actor.pk != application.holder_id:
        raise ApplicationError("Seul·e le ou la porteur·se du projet peut retirer sa candidature.")
    with transaction.atomic(), process_lock(application):
        # Re-read under the lock: a decision may have landed since the page was loaded.
        application.refresh_from_db()
        if application.stage not in OPEN_STATUSES or application.status != "NEW":
            raise ApplicationError("Une décision a déjà été prise sur cette candidature.")
        process_cancel(application)
        scorers = list(
            application.scorings.filter(status="NEW").values_list("member_id", flat=True)
        )
        notify.withdrawn(
            application=application,
            journey=application.source_journey,
            reason=reason,
            scorer_ids=scorers,
        )
        processes_cancel_open(application.scorings.all())
        application.refresh_from_db()
        mandate = active_mandate(application=application)
        if mandate is not None:
            mandate.revoked_at = timezone.now()
            mandate.save(update_fields=["revoked_at"])
            access_revoke(organisation=mandate.organisation, obj=application, actions=("fill",))
        application.stage, application.withdrawn_reason = ApplicationStatus.WITHDRAWN, reason
        application.save()
        application_event(
            application=application,
            actor=actor,
            message="Candidature retirée." + (f" Motif : {reason}" if reason else ""),
        )
    return application

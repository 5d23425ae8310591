"""Whether a financier can sign twice: above the configured amount a grant needs a second
member of the same organisation, so an organisation with a single active member can never
countersign it. Found where the problem is made (the organisation edited, the committee's
avis that creates the lines, the decision itself) and shown to whoever can fix it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind, User
from funding.formatting import format_euros
from funding.models import FundingLine, LineState
from workflows.application.selectors import application_instructor_ids
from workflows.application.services import programme
from workflows.models import Application, FinancingStatus


def second_signature_above() -> Decimal:
    return Decimal(settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR)


def signatory_ids(*, organisation: Organisation) -> set[int]:
    """The active members who may sign for the organisation (none when it is inactive)."""
    if not organisation.is_active:
        return set()
    return set(
        organisation.memberships.filter(user__is_active=True).values_list("user_id", flat=True)
    )


def countersign_impossible(
    *, organisation: Organisation, amount: Decimal, first_signer: User | None = None
) -> bool:
    """Whether a grant of ``amount`` would wait for a second signature nobody can give."""
    if amount <= second_signature_above():
        return False
    others = signatory_ids(organisation=organisation) - (
        {first_signer.pk} if first_signer is not None else set()
    )
    return len(others) < (1 if first_signer is not None else 2)


def line_never_countersigned(*, line: FundingLine) -> bool:
    """An open line whose grant (decided, or as proposed) nobody could countersign today."""
    if line.state not in (LineState.PENDING, LineState.AWAITING_SECOND):
        return False
    return countersign_impossible(
        organisation=line.organisation,
        amount=line.decided_amount or line.proposed_amount,
        first_signer=line.first_signer if line.state == LineState.AWAITING_SECOND else None,
    )


def lines_never_countersigned(*, organisation: Organisation) -> list[FundingLine]:
    """The organisation's open lines whose grant could not be countersigned today."""
    lines = FundingLine.objects.filter(
        organisation=organisation, state__in=[LineState.PENDING, LineState.AWAITING_SECOND]
    ).select_related("organisation", "dossier__project", "first_signer")
    return [line for line in lines if line_never_countersigned(line=line)]


def organisation_countersign_warnings(*, organisation: Organisation) -> list[str]:
    """What staff must fix on a financier that cannot countersign, in French ([] if none)."""
    if organisation.kind != OrganisationKind.FINANCIER:
        return []
    count = len(signatory_ids(organisation=organisation))
    if count >= 2:
        return []
    who = "aucun membre actif" if count == 0 else "un·e seul·e membre actif·ve"
    warnings = [
        f"{organisation.name} n'a que {who} : ses décisions au-delà de "
        f"{format_euros(second_signature_above())} ne pourront pas être contresignées. "
        "Demandez au service des habilitations de la MEL d'y ajouter un·e second·e membre "
        "pour qu'elles puissent l'être."
    ]
    warnings += [
        f"Ligne bloquée : « {line.dossier.project.title} », "
        f"{format_euros(line.decided_amount or line.proposed_amount)} "
        f"({line.get_state_display().lower()})."
        for line in lines_never_countersigned(organisation=organisation)
    ]
    return warnings


def decision_countersign_problem(*, line: FundingLine, actor: User) -> str:
    """Shown before a financier decides, and the reason a decision is refused: above the
    threshold nobody of the organisation but ``actor`` could countersign ("" if fine)."""
    if not countersign_impossible(
        organisation=line.organisation, amount=line.proposed_amount, first_signer=actor
    ):
        return ""
    return (
        f"Au-delà de {format_euros(second_signature_above())}, un·e second·e membre de "
        f"{line.organisation} doit contresigner, et personne d'autre que vous ne peut le faire. "
        f"Accordez au plus {format_euros(second_signature_above())}, ou demandez au service "
        "des habilitations de la MEL d'ajouter un·e second·e signataire à votre organisation : "
        "la ligne vous attend."
    )


def application_countersign_warnings(*, application: Application) -> list[str]:
    """Before the committee's avis creates the funding lines: each financier of the dossier
    (the grant's, and the plan's co-financers on the platform) that could not countersign
    a line above the threshold."""
    financiers: list[Organisation] = []
    grant_financier = programme().grant_financier
    if grant_financier is not None:
        financiers.append(grant_financier)
    for line in application.financing_lines.filter(
        status=FinancingStatus.SOUGHT,
        organisation__kind=OrganisationKind.FINANCIER,
        amount__gt=second_signature_above(),
    ).select_related("organisation"):
        if line.organisation is not None and line.organisation not in financiers:
            financiers.append(line.organisation)
    return [
        f"{financier.name} n'a pas deux membres actifs pour signer : un financement de plus "
        f"de {format_euros(second_signature_above())} qu'il accorderait ne pourrait pas être "
        "contresigné. Demandez au service des habilitations de la MEL de lui ajouter un·e "
        "second·e membre avant que la ligne lui soit transmise."
        for financier in financiers
        if len(signatory_ids(organisation=financier)) < 2
    ]


def instructor_refusal(*, line: FundingLine, actor: User, countersign: bool = False) -> str:
    """Why ``actor`` may not decide (or countersign) ``line``: they instructed its dossier
    (separation of duties), with who else may act ("" if they did not instruct it)."""
    instructors = application_instructor_ids(application_id=line.dossier_id)
    if actor.pk not in instructors:
        return ""
    others = signatory_ids(organisation=line.organisation) - instructors - {actor.pk}
    if countersign and line.first_signer_id is not None:
        others.discard(line.first_signer_id)
    act = "la seconde signature" if countersign else "la décision"
    refusal = f"Vous avez instruit ce dossier : {act} revient à un·e autre signataire du financeur."
    names = sorted(str(user) for user in User.objects.filter(pk__in=others))
    if names:
        return f"{refusal} Peuvent signer : {', '.join(names)}."
    return (
        f"{refusal} Personne d'autre chez {line.organisation} ne peut signer aujourd'hui : "
        "demandez au service des habilitations de la MEL d'ajouter un·e signataire, ou à "
        "l'équipe de la MEL de retirer la ligne."
    )


SIGNER_REFUSAL = (
    "Vous avez signé la décision d'un financeur sur ce dossier : sa convention et ses "
    "versements reviennent à un·e autre membre de l'équipe de la MEL."
)


def signer_check(*, application: Application, actor: User) -> None:
    """Refuse an instruction step after the award (convention, conditions, payments,
    closing) to whoever signed a financier's decision on the dossier: separation of duties
    the other way round from ``instructor_refusal``, checked at the moment of acting."""
    signed = FundingLine.objects.filter(dossier=application).filter(
        Q(first_signer=actor) | Q(second_signer=actor)
    )
    if signed.exists():
        raise ApplicationError(SIGNER_REFUSAL)

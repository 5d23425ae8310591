"""Reads of the programme configuration: which rules apply, which documents, which grid."""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet

from accounts.exceptions import ApplicationError
from applicants.models import LegalForm
from funding.models import (
    BankDetailsRequest,
    CallRuleVersion,
    Programme,
    RequiredDocument,
    ScoringCriterion,
)


def rule_version_in_force(*, programme: Programme, on_date: datetime.date) -> CallRuleVersion:
    """The rule version of ``programme`` valid on ``on_date`` (bounds included).

    ``CallRuleVersion.clean()`` forbids overlapping periods, so at most one matches. Raises
    ``ApplicationError`` when the date falls outside every version: staff must add one in
    the admin before dossiers can be checked against it.
    """
    version = (
        CallRuleVersion.objects.filter(programme=programme, valid_from__lte=on_date)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on_date))
        .select_related("programme")
        .order_by("-valid_from")
        .first()
    )
    if version is None:
        raise ApplicationError(
            f"Aucune version du règlement de « {programme} » n'est en vigueur le "
            f"{on_date:%d/%m/%Y} : l'équipe de la MEL doit la saisir dans l'administration."
        )
    return version


def required_documents_for(
    *, rule_version: CallRuleVersion, legal_form: LegalForm
) -> QuerySet[RequiredDocument]:
    """Documents asked of a structure of this legal form: the common ones first, then its own."""
    return (
        RequiredDocument.objects.filter(rule_version=rule_version)
        .filter(Q(legal_form__isnull=True) | Q(legal_form=legal_form))
        .select_related("legal_form")
        # Databases disagree on where NULLs sort; common documents (no form) go first.
        .order_by(F("legal_form_id").asc(nulls_first=True), "-is_mandatory", "label")
    )


def scoring_grid(*, rule_version: CallRuleVersion) -> QuerySet[ScoringCriterion]:
    """The committee's weighted criteria for this rule version, in display order."""
    return ScoringCriterion.objects.filter(rule_version=rule_version).order_by("position", "code")


def bank_details_todos(*, person_id: int) -> QuerySet[BankDetailsRequest]:
    """The bank details the holder was asked for and has not given yet, soonest first."""
    return (
        BankDetailsRequest.objects.filter(application__holder_id=person_id, answered_at=None)
        .filter(
            Q(application__project__structure__isnull=True)
            | Q(application__project__structure__iban="")
        )
        .select_related("application__project")
        .order_by("due_on", "pk")
    )

"""A structure's IBAN and BIC are needed until its last payment: once every funded dossier
of the structure has all its tranches paid, and no dossier of it may still lead to a
payment, they are cleared ``RETENTION_IBAN_AFTER_LAST_PAYMENT_DAYS`` after the last payment.

The RIB handed in with the application (document ``rib``) is a payment document: it stays
with the dossier's documents and follows the dossier's retention (10 years for a funded one).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from applicants.models import Structure
from funding.models import Tranche
from workflows.models import Application, ApplicationStatus

from .rules import Outcome, RetentionRule, register

# A dossier at one of these stages may still be granted and paid: its IBAN is still needed.
MAY_STILL_BE_PAID = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INCOMPLETE,
    ApplicationStatus.COMPLETE,
    ApplicationStatus.ELIGIBLE,
    ApplicationStatus.ON_AGENDA,
    ApplicationStatus.ADJOURNED,
    ApplicationStatus.FUNDING,
    ApplicationStatus.CONVENTION,
)


def iban_due(now: datetime.datetime) -> QuerySet[Any]:
    limit = now - datetime.timedelta(days=settings.RETENTION_IBAN_AFTER_LAST_PAYMENT_DAYS)
    tranches = Tranche.objects.filter(application__project__structure=OuterRef("pk"))
    dossiers = Application.objects.filter(project__structure=OuterRef("pk"))
    return (
        Structure.objects.filter(Q(iban__gt="") | Q(bic__gt=""))
        .filter(Exists(tranches.filter(released_at__isnull=False)))
        .exclude(Exists(tranches.filter(Q(released_at__isnull=True) | Q(released_at__gte=limit))))
        .exclude(Exists(dossiers.filter(stage__in=MAY_STILL_BE_PAID)))
        .order_by("pk")
    )


def iban_clear(structure: Structure) -> None:
    # An update, not save(): no validation of the other fields, and only these columns.
    Structure.objects.filter(pk=structure.pk).update(
        iban="", bic="", bank_details_cleared_at=timezone.now()
    )


register(
    RetentionRule(
        code="iban",
        label="Coordonnées bancaires (IBAN, BIC) des structures après leur dernier versement",
        setting="RETENTION_IBAN_AFTER_LAST_PAYMENT_DAYS",
        after="après le dernier versement, quand plus aucun versement n'est attendu",
        basis=(
            "Paiement de la subvention (art. 6-1-e et 6-1-c RGPD) : utiles jusqu'au dernier "
            "versement ; le RIB déposé reste avec les pièces de paiement du dossier (10 ans)."
        ),
        outcome=Outcome.CLEARED,
        due=iban_due,
        apply=iban_clear,
    )
)

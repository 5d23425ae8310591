"""The structure's bank details, which a payment waits for: MEL staff ask the holder for them
by a date, the holder (or staff, from a RIB received otherwise) gives them, and staff are
told the payment can be ordered.

Typed, keyword-only, never given a request; the pages check who may call them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import User
from applicants.models import Structure
from applicants.validators import compact, validate_bic, validate_iban
from funding.models import BankDetailsRequest, Condition, Tranche
from workflows import notify
from workflows.application.services import application_event
from workflows.calendar import add_working_days
from workflows.engine import process_lock
from workflows.models import Application


def iban_awaited(*, structure: Structure | None, tranches: Iterable[Tranche]) -> bool:
    """Whether one of ``tranches`` still to pay waits for the structure's IBAN (no query)."""
    if structure is not None and structure.iban:
        return False
    return any(t.released_at is None and Condition.IBAN_KNOWN in t.conditions for t in tranches)


def bank_details_missing(*, application: Application) -> bool:
    """Whether a payment still to make waits for the structure's IBAN."""
    return iban_awaited(
        structure=application.project.structure, tranches=application.tranches.all()
    )


def bank_details_open_request(*, application: Application) -> BankDetailsRequest | None:
    """The request the holder has not answered yet (the latest one), if any."""
    return application.bank_details_requests.filter(answered_at__isnull=True).first()


def bank_details_request(*, application: Application, actor: User) -> BankDetailsRequest:
    """MEL staff ask the holder for the bank details, to give within the configured number
    of working days; the holder is told by e-mail and sees it on their home page. Asking
    again is possible once the previous deadline has passed (it is the reminder)."""
    # Under the dossier's lock: two clicks (or two staff) never ask twice.
    with transaction.atomic(), process_lock(application):
        if not bank_details_missing(application=application):
            raise ApplicationError(
                "Aucun versement n'attend de coordonnées bancaires sur ce dossier."
            )
        pending = bank_details_open_request(application=application)
        if pending is not None and pending.due_on >= timezone.localdate():
            raise ApplicationError(
                "Les coordonnées bancaires sont déjà demandées : réponse attendue avant le "
                f"{pending.due_on:%d/%m/%Y}. Vous pourrez relancer après cette date."
            )
        now = timezone.now()
        due = timezone.localdate(add_working_days(now, settings.BANK_DETAILS_DEADLINE_WORKING_DAYS))
        request = BankDetailsRequest.objects.create(
            application=application, requested_at=now, requested_by=actor, due_on=due
        )
        again = " (relance)" if pending is not None else ""
        application_event(
            application=application,
            actor=actor,
            message=f"Coordonnées bancaires de la structure demandées{again} : à indiquer "
            f"avant le {due:%d/%m/%Y} pour que la subvention soit versée.",
        )
        notify.bank_details_requested(
            application=application, request_pk=request.pk, due_on=f"{due:%d/%m/%Y}"
        )
    return request


def _check(validator: Callable[[str], None], value: str, field: str) -> None:
    try:
        validator(value)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field=field) from error


def bank_details_record(*, application: Application, actor: User, iban: str, bic: str) -> Structure:
    """Store the IBAN and BIC on the dossier's structure (where the payment reads them),
    close the open request and tell MEL staff that the payment no longer waits for them."""
    structure = application.project.structure
    if structure is None:
        raise ApplicationError(
            "Ce dossier n'est rattaché à aucune structure : l'équipe de la MEL doit d'abord "
            "la renseigner sur le projet."
        )
    if not actor.has_perm("applicants.change_structure", structure):
        raise ApplicationError(
            "Seul·e le ou la porteur·se du projet ou l'équipe de la MEL peut indiquer ces "
            "coordonnées."
        )
    iban, bic = compact(iban), compact(bic)
    if not iban:
        raise ApplicationError("Indiquez l'IBAN du compte de la structure.", field="iban")
    _check(validate_iban, iban, "iban")
    if bic:
        _check(validate_bic, bic, "bic")
    if (structure.iban, structure.bic) == (iban, bic) and not bank_details_open_request(
        application=application
    ):
        return structure  # the same details sent again (a double click): nothing to tell
    with transaction.atomic():
        structure.iban, structure.bic = iban, bic
        structure.save(update_fields=["iban", "bic", "updated_at"])
        application.bank_details_requests.filter(answered_at__isnull=True).update(
            answered_at=timezone.now(), answered_by=actor
        )
        application_event(
            application=application,
            actor=actor,
            message="Coordonnées bancaires de la structure indiquées.",
        )
        pending = [t.label.lower() for t in application.tranches.filter(released_at__isnull=True)]
        if pending:  # staff are told only when a payment was waiting for them
            next_step = (
                f"ordonnez le versement ({', '.join(pending)}) dès que ses autres conditions "
                "sont remplies."
            )
            notify.bank_details_received(
                application=application, author=str(actor), next_step=next_step
            )
    return structure

"""Pages after a favourable avis (stages 9 to 11): each financier decides and signs its
line; MEL staff record the convention, order the payments and close the follow-up; the
holder sends the follow-up reports.

Every page checks the object first (hidden → 404, forbidden → 403) and completes steps only
through ``workflows.engine.task_perform``; refused business rules come back on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from accounts.access import get_visible_or_404, require_perm
from accounts.exceptions import ApplicationError
from accounts.forms import add_application_error
from accounts.http import AuthenticatedRequest
from funding.forms import (
    BankDetailsForm,
    ConditionsMetForm,
)
from funding.models import Condition, Convention, FundingLine, LineState
from funding.pdf import convention_pdf as convention_pdf_bytes
from funding.services import bank_details
from funding.services import lines as line_services
from funding.services import payments as services
from funding.services.signatures import line_never_countersigned
from funding.steps import AdvanceStep, TrancheStep
from funding.tranches import tranche_rows
from workflows.application.selectors import application_queryset
from workflows.engine import OPEN_STATUSES
from workflows.models import Application
from workflows.steps import is_step

# What the pages show ------------------------------------------------------------------------


def _is_staff(user: Any) -> bool:
    return bool(user.has_perm("workflows.instruct_application"))


def _may_download_convention(user: Any, application: Application) -> bool:
    return application.holder_id == user.pk or _is_staff(user)


def award_context(*, application: Application, user: Any) -> dict[str, Any]:
    """Extra context for the dossier page (its own section template): the funding lines,
    for MEL staff the coverage, the convention, the tranches and the reports. A constant
    number of queries whatever the number of lines, tranches or reports."""
    lines = list(
        application.funding_lines.select_related("organisation", "first_signer", "second_signer")
    )
    if not lines:
        return {"award": None}
    staff = _is_staff(user)
    granted = any(line.is_programme_grant and line.state == LineState.GRANTED for line in lines)
    tranches = list(application.tranches.all())
    reports = list(application.reports.all())
    structure = application.project.structure
    awaited = bank_details.iban_awaited(structure=structure, tranches=tranches)
    return {
        "award": {
            "lines": lines,
            "coverage": line_services.financing_coverage(application=application)
            if staff
            else None,
            "convention": Convention.objects.filter(application=application).first(),
            "tranches": tranche_rows(tranches),
            "reports": reports,
            "today": timezone.localdate(),
            "staff": staff,
            # Open lines nobody of the financier could countersign: staff fix or withdraw them.
            "unsignable": [line for line in lines if staff and line_never_countersigned(line=line)],
            "can_download_convention": granted and _may_download_convention(user, application),
            # Who gives the bank details a payment waits for, and by when (queried only then).
            "bank_details": {
                "pending": bank_details.bank_details_open_request(application=application),
                "can_give": user.has_perm("applicants.change_structure", structure),
            }
            if awaited
            else None,
        }
    }


# Convention and payments (MEL staff) ---------------------------------------------------------


@require_POST
@login_required
def application_conditions_met(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """MEL staff record that the committee's conditions are met (the step stays open)."""
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    require_perm(request.user, "instruct", application)
    form = ConditionsMetForm(request.POST)
    advance_tranche = application.tranches.filter(position=1, released_at__isnull=True).first()
    try:
        if (
            advance_tranche is None
            or Condition.COMMITTEE_CONDITIONS_MET not in advance_tranche.conditions
            or application.conditions_met_at is not None
        ):
            raise ApplicationError("Il n'y a pas de condition du comité à lever sur ce dossier.")
        if not form.is_valid():
            raise ApplicationError("Indiquez comment les conditions ont été levées.")
        services.application_conditions_met(
            application=application, actor=request.user, note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Les conditions du comité sont levées.")
    advance = Task.objects.filter(
        process_id=application.pk, flow_task_type="HUMAN", status__in=OPEN_STATUSES
    ).first()
    if is_step(advance, AdvanceStep):
        return redirect("workflows:task", task_pk=advance.pk)
    return redirect("workflows:application_detail", pk=application.pk)


@login_required
def convention_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The convention (or notification) to sign, as a PDF: MEL staff and the holder."""
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if not _may_download_convention(request.user, application):
        raise PermissionDenied("Seuls l'équipe de la MEL et le ou la porteur·se y ont accès.")
    try:
        services.programme_grant(application=application)
    except ApplicationError as error:
        raise Http404("Aucune subvention accordée pour cette candidature.") from error
    response = HttpResponse(convention_pdf_bytes(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-{application.pk}.pdf"'
    return response


# Staff actions on the dossier that are not steps ----------------------------------------------


def _staff_dossier(request: AuthenticatedRequest, pk: int) -> Application:
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if not request.user.has_perm("workflows.instruct_application"):
        raise PermissionDenied("Réservé à l'équipe de la MEL.")
    return application


def _run(request: AuthenticatedRequest, action: Callable[[], Any], done: str) -> None:
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


@require_POST
@login_required
def line_cancel(request: AuthenticatedRequest, pk: int, line_pk: int) -> HttpResponse:
    application = _staff_dossier(request, pk)
    line = get_object_or_404(FundingLine, pk=line_pk, dossier=application)
    reason = request.POST.get("reason", "")
    _run(
        request,
        lambda: line_services.funding_line_cancel(line=line, actor=request.user, reason=reason),
        "La ligne est retirée ; le dossier continue sans elle.",
    )
    return redirect("workflows:application_detail", pk=application.pk)


@require_POST
@login_required
def close_unpaid(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _staff_dossier(request, pk)
    reason = request.POST.get("reason", "")
    _run(
        request,
        lambda: services.application_close_unpaid(
            application=application, actor=request.user, reason=reason
        ),
        "Le dossier est clôturé sans versement.",
    )
    return redirect("workflows:application_detail", pk=application.pk)


# Bank details (the holder, or MEL staff from a RIB received otherwise) ----------------------


def _open_payment_step(application: Application) -> Task | None:
    """The payment step open on the dossier (advance or balance), if any."""
    for task in Task.objects.filter(
        process_id=application.pk, flow_task_type="HUMAN", status__in=OPEN_STATUSES
    ):
        if is_step(task, TrancheStep):
            return task
    return None


def _back_to_payment(application: Application) -> HttpResponse:
    step = _open_payment_step(application)
    if step is not None:
        return redirect("workflows:task", task_pk=step.pk)
    return redirect("workflows:application_detail", pk=application.pk)


@require_POST
@login_required
def bank_details_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """MEL staff ask the holder for the bank details a payment waits for."""
    application = _staff_dossier(request, pk)
    try:
        asked = bank_details.bank_details_request(application=application, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"C'est demandé : {application.holder.user} est prévenu·e par e-mail et voit la "
            f"demande sur son accueil, avec la date limite du {asked.due_on:%d/%m/%Y}.",
        )
    return _back_to_payment(application)


@login_required
def bank_details_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Give the structure's IBAN and BIC: the holder, or MEL staff; nobody else."""
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    structure = application.project.structure
    if structure is None:
        raise PermissionDenied(
            "Ce dossier n'est rattaché à aucune structure : l'équipe de la MEL doit d'abord la "
            "renseigner sur le projet."
        )
    if not request.user.has_perm("applicants.change_structure", structure):
        raise PermissionDenied(
            "Seul·e le ou la porteur·se du projet ou l'équipe de la MEL peut indiquer ces "
            "coordonnées."
        )
    form = BankDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_details.bank_details_record(
                application=application,
                actor=request.user,
                iban=form.cleaned_data["iban"],
                bic=form.cleaned_data["bic"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                "Merci : les coordonnées bancaires sont enregistrées. L'équipe de la MEL est "
                "prévenue et peut ordonner le versement.",
            )
            if _is_staff(request.user):
                return _back_to_payment(application)
            return redirect("workflows:application_detail", pk=application.pk)
    return render(
        request,
        "workflows/award/bank_details.html",
        {
            "application": application,
            "structure": structure,
            "form": form,
            "pending": bank_details.bank_details_open_request(application=application),
        },
    )

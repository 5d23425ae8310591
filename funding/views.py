"""Pages after a favourable avis (stages 9 to 11): each financier decides and signs its
line; MEL staff record the convention, order the payments and close the follow-up; the
holder sends the follow-up reports.

Every page checks the object first (hidden → 404, forbidden → 403) and completes steps only
through ``workflows.engine.task_perform``; refused business rules come back on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from accounts.access import get_visible_or_404, require_perm
from accounts.exceptions import ApplicationError
from accounts.forms import add_application_error
from accounts.http import AuthenticatedRequest
from funding.formatting import format_euros, format_number
from funding.forms import (
    BalanceForm,
    ConditionsMetForm,
    ConventionForm,
    CountersignForm,
    FundingDecisionForm,
    ReleaseForm,
    ReportForm,
)
from funding.services import award as services
from reviewers.services.selection import latest_deliberation
from workflows.application.services import application_values, rule_version_for
from workflows.engine import OPEN_STATUSES, TaskNotOpen, task_can_act, task_perform
from workflows.models import (
    Application,
    Condition,
    Convention,
    FollowUpReport,
    FundingLine,
    LineState,
    Tranche,
)

AWARD_STEPS = ("convention", "advance", "balance")
REPORT_STEPS = ("report", "report_late", "report_escalated")
LINE_STEPS = ("decide", "countersign")
DONE = "C'est enregistré. Merci !"


# What the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionRow:
    label: str
    blocker: str  # empty when the condition is met


@dataclass(frozen=True)
class TrancheRow:
    tranche: Tranche
    conditions: list[ConditionRow]

    @property
    def blockers(self) -> list[str]:
        return [c.blocker for c in self.conditions if c.blocker]

    @property
    def can_release(self) -> bool:
        return self.tranche.released_at is None and not self.blockers


def tranche_rows(tranches: list[Tranche]) -> list[TrancheRow]:
    """Each tranche with each of its conditions and, when unmet, why (in plain words)."""
    rows = []
    for tranche in tranches:
        conditions = []
        for code in tranche.conditions:
            if tranche.released_at is not None:
                blocker = ""
            else:
                # One condition at a time, so each reason sits next to its condition.
                single = Tranche(application=tranche.application, conditions=[code])
                blocker = " ".join(services.tranche_blockers(tranche=single))
            conditions.append(ConditionRow(str(Condition(code).label), blocker))
        rows.append(TrancheRow(tranche, conditions))
    return rows


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
    return {
        "award": {
            "lines": lines,
            "coverage": services.financing_coverage(application=application) if staff else None,
            "convention": Convention.objects.filter(application=application).first(),
            "tranches": tranche_rows(tranches),
            "reports": reports,
            "today": timezone.localdate(),
            "staff": staff,
            "can_download_convention": granted and _may_download_convention(user, application),
        }
    }


def _dossier_summary(application: Application) -> dict[str, Any]:
    return {
        "application": application,
        "values": application_values(application=application),
        "deliberation": latest_deliberation(application=application),
    }


def _render_step(
    request: AuthenticatedRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, f"workflows/award/{template}", context)


def _perform(
    request: AuthenticatedRequest,
    task: Task,
    form: BaseForm,
    action: Callable[[Any], Any],
    *,
    done: str | Callable[[Any], str] = DONE,
    back: str,
) -> HttpResponse | None:
    """Complete ``task`` with ``action``: a redirect when done, ``None`` to show the form
    again with the refused rule on it. ``done`` may read the action's result."""
    try:
        result = task_perform(task=task, user=request.user, perform=action)
    except TaskNotOpen as error:
        messages.error(request, error.message)
        return redirect(back)
    except ApplicationError as error:
        add_application_error(form, error)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(back)


# Funding lines (the financiers) --------------------------------------------------------------


def _line_queryset() -> Any:
    return FundingLine.objects.select_related(
        "organisation",
        "first_signer",
        "second_signer",
        "dossier__project__structure__legal_form",
        "dossier__holder__user",
        "dossier__rule_version",
    )


@login_required
def funding_line_step(request: AuthenticatedRequest, task_pk: int, **kwargs: Any) -> HttpResponse:
    """A financier decides its line (``decide``), or a colleague countersigns it."""
    task = get_object_or_404(
        Task.objects.select_related("process"), pk=task_pk, flow_task_type="HUMAN"
    )
    line = _line_queryset().filter(pk=task.process_id).first()
    if line is None or not request.user.has_perm("workflows.view_fundingline", line):
        raise Http404("Page introuvable.")
    name = task.flow_task.name
    if name not in LINE_STEPS:
        raise Http404("Étape inconnue.")
    back = _dossier_url(line.dossier)
    if not task_can_act(task=task, user=request.user):
        if task.status not in OPEN_STATUSES:
            messages.info(request, "Cette étape a déjà été traitée.")
            return redirect(back)
        raise PermissionDenied("Cette étape ne vous est pas confiée.")
    if name == "decide":
        return _decide(request, task, line, back)
    return _countersign(request, task, line, back)


def _dossier_url(application: Application) -> str:
    return reverse("workflows:application_detail", args=[application.pk])


def _line_context(line: FundingLine) -> dict[str, Any]:
    threshold = Decimal(settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR)
    return {
        **_dossier_summary(line.dossier),
        "line": line,
        "coverage": services.financing_coverage(application=line.dossier),
        "second_signature_above": threshold,
    }


def _decide(
    request: AuthenticatedRequest, task: Task, line: FundingLine, back: str
) -> HttpResponse:
    # Shown the French way ("12 000,00"), which AmountField reads back unchanged.
    amount = format_number(line.decided_amount or line.proposed_amount)
    form = FundingDecisionForm(request.POST or None, initial={"amount": amount})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action(process: Any) -> FundingLine:
            return services.funding_line_decide(
                line=cast(FundingLine, process),
                actor=request.user,
                grant=data["decision"] == "grant",
                amount=data["amount"],
                reason=data["reason"],
            )

        response = _perform(request, task, form, action, done=_decided_message, back=back)
        if response is not None:
            return response
    return _render_step(
        request, "funding_line.html", {**_line_context(line), "task": task, "form": form}
    )


def _decided_message(line: FundingLine) -> str:
    if line.state == LineState.AWAITING_SECOND:
        return (
            f"Décision enregistrée : {format_euros(line.decided_amount or 0)}. Au-delà de "
            f"{format_euros(settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR)}, un·e collègue de "
            "votre organisation doit contresigner : la décision lui est transmise."
        )
    return "Décision enregistrée et signée. Merci !"


def _countersign(
    request: AuthenticatedRequest, task: Task, line: FundingLine, back: str
) -> HttpResponse:
    form = CountersignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action(process: Any) -> FundingLine:
            return services.funding_line_countersign(
                line=cast(FundingLine, process),
                actor=request.user,
                confirm=data["decision"] == "confirm",
                reason=data["reason"],
            )

        done = (
            "Seconde signature enregistrée : la décision est confirmée."
            if data["decision"] == "confirm"
            else "La décision est renvoyée pour réexamen."
        )
        response = _perform(request, task, form, action, done=done, back=back)
        if response is not None:
            return response
    context = {
        **_line_context(line),
        "task": task,
        "form": form,
        "is_first_signer": line.first_signer_id == request.user.pk,
    }
    return _render_step(request, "funding_line.html", context)


# Convention and payments (MEL staff) ---------------------------------------------------------


def award_step(request: AuthenticatedRequest, task: Task, application: Application) -> HttpResponse:
    """The staff steps: convention, advance, balance and closure (``task_can_act`` checked
    by ``application_step``)."""
    name = task.flow_task.name
    if name == "convention":
        return _convention(request, task, application)
    if name == "advance":
        return _advance(request, task, application)
    if name == "balance":
        return _balance(request, task, application)
    raise Http404("Étape inconnue.")


def _convention(
    request: AuthenticatedRequest, task: Task, application: Application
) -> HttpResponse:
    try:
        grant = services.programme_grant(application=application)
    except ApplicationError as error:
        raise Http404(error.message) from error
    required = services.convention_required(application=application)
    threshold = rule_version_for(application=application).convention_threshold
    form = ConventionForm(
        request.POST or None, required=required, threshold=format_euros(threshold)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action(process: Any) -> Convention:
            return services.application_convention_record(
                application=cast(Application, process),
                actor=request.user,
                waived=data["waived"],
                holder_signed_on=data["holder_signed_on"],
                mel_signed_on=data["mel_signed_on"],
            )

        done = "C'est enregistré : l'avance peut être versée dès que ses conditions sont remplies."
        response = _perform(request, task, form, action, done=done, back=_dossier_url(application))
        if response is not None:
            return response
    context = {
        **_dossier_summary(application),
        "task": task,
        "form": form,
        "grant": grant,
        "required": required,
        "threshold": threshold,
    }
    return _render_step(request, "convention.html", context)


def _tranches_context(application: Application, task: Task, position: int) -> dict[str, Any]:
    rows = tranche_rows(list(application.tranches.all()))
    current = next((row for row in rows if row.tranche.position == position), None)
    if current is None:
        raise Http404("Cette tranche n'existe pas.")
    return {
        **_dossier_summary(application),
        "task": task,
        "rows": rows,
        "current": current,
        "reports": list(application.reports.all()),
    }


def _advance(request: AuthenticatedRequest, task: Task, application: Application) -> HttpResponse:
    # Bound on any POST: the form has no field, so its data may be empty.
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():

        def action(process: Any) -> Tranche:
            return services.tranche_release(
                application=cast(Application, process), position=1, actor=request.user
            )

        done = "L'avance est mise en paiement. Le suivi commence."
        response = _perform(request, task, form, action, done=done, back=_dossier_url(application))
        if response is not None:
            return response
    context = _tranches_context(application, task, 1)
    conditions_open = (
        Condition.COMMITTEE_CONDITIONS_MET in context["current"].tranche.conditions
        and application.conditions_met_at is None
    )
    context.update(
        form=form,
        conditions_form=ConditionsMetForm() if conditions_open else None,
    )
    return _render_step(request, "tranches.html", context)


def _balance(request: AuthenticatedRequest, task: Task, application: Application) -> HttpResponse:
    form = BalanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action(process: Any) -> Application:
            app = cast(Application, process)
            if data["action"] == "release":
                services.tranche_release(application=app, position=2, actor=request.user)
            return services.application_close(
                application=app, actor=request.user, note=data["note"]
            )

        done = (
            "Le solde est mis en paiement et le dossier est clôturé."
            if data["action"] == "release"
            else "Le dossier est clôturé sans versement du solde."
        )
        response = _perform(request, task, form, action, done=done, back=_dossier_url(application))
        if response is not None:
            return response
    context = _tranches_context(application, task, 2)
    context["form"] = form
    return _render_step(request, "tranches.html", context)


@require_POST
@login_required
def application_conditions_met(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """MEL staff record that the committee's conditions are met (the step stays open)."""
    from workflows.application.views import application_queryset

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
    if advance is not None and advance.flow_task.name == "advance":
        return redirect("workflows:application_step", task_pk=advance.pk)
    return redirect("workflows:application_detail", pk=application.pk)


@login_required
def convention_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The convention (or notification) to sign, as a PDF: MEL staff and the holder."""
    from funding.pdf import convention_pdf as build
    from workflows.application.views import application_queryset

    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if not _may_download_convention(request.user, application):
        raise PermissionDenied("Seuls l'équipe de la MEL et le ou la porteur·se y ont accès.")
    try:
        services.programme_grant(application=application)
    except ApplicationError as error:
        raise Http404("Aucune subvention accordée pour cette candidature.") from error
    response = HttpResponse(build(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-{application.pk}.pdf"'
    return response


# Follow-up reports (the holder) --------------------------------------------------------------


def _open_report_task(application: Application, user: Any) -> Task | None:
    """The report step of ``application`` that is open now and that ``user`` may perform:
    the due date or the reminder may have replaced the one a page was opened on."""
    tasks = Task.objects.filter(
        process_id=application.pk, flow_task_type="HUMAN", status__in=OPEN_STATUSES
    ).order_by("-created")
    for candidate in tasks:
        if candidate.flow_task.name in REPORT_STEPS and task_can_act(task=candidate, user=user):
            return candidate
    return None


def report_step(
    request: AuthenticatedRequest, task: Task, application: Application
) -> HttpResponse:
    """The holder sends the follow-up report that is due; nobody else may.

    The report stays the same when its step changes (due date passed, reminder sent): a page
    opened before the change is sent on the step that is open now, never lost."""
    back = _dossier_url(application)
    if not task_can_act(task=task, user=request.user):
        if task.status in OPEN_STATUSES:
            raise PermissionDenied("Seul·e le ou la porteur·se du projet peut rendre ce rapport.")
        current = _open_report_task(application, request.user)
        if current is None:
            nothing = "Aucun rapport n'est attendu pour le moment"
            if request.method == "POST":
                nothing += " : rien n'a été enregistré"
            messages.info(request, nothing + ".")
            return redirect(back)
        task = current
    report = services.current_report(application=application)
    if report is None:
        raise Http404("Aucun rapport n'est attendu.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data.get(name) for name in services.REPORT_FIELDS}

        def action(process: Any) -> FollowUpReport:
            return services.report_submit(
                application=cast(Application, process), actor=request.user, values=values
            )

        try:
            _send_report(request, task, application, action)
        except TaskNotOpen as error:
            messages.error(request, error.message)
            return redirect(back)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Merci ! Votre rapport est envoyé à l'équipe de la MEL.")
            return redirect(back)
    context = {
        "task": task,
        "application": application,
        "report": report,
        "form": form,
        "is_late": task.flow_task.name != "report" or report.due_on < timezone.localdate(),
        "is_escalated": task.flow_task.name == "report_escalated",
    }
    return _render_step(request, "report.html", context)


def _send_report(
    request: AuthenticatedRequest,
    task: Task,
    application: Application,
    action: Callable[[Any], FollowUpReport],
) -> FollowUpReport:
    """Perform ``action`` on ``task``; when the step closed meanwhile (the due date passed
    while the form was sent) and another report step is open, send it there instead."""
    try:
        return cast(FollowUpReport, task_perform(task=task, user=request.user, perform=action))
    except TaskNotOpen:
        task.refresh_from_db()
        if task.status in OPEN_STATUSES:
            raise  # still open: someone else holds it, or it is locked
        current = _open_report_task(application, request.user)
        if current is None or current.pk == task.pk:
            raise
        return cast(FollowUpReport, task_perform(task=current, user=request.user, perform=action))

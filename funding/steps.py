"""The award's human steps (stages 9 to 11): each financier decides and signs its line
(``FundingLineFlow``); MEL staff record the convention, order the payments and close the
follow-up, and the holder sends the follow-up reports (``ApplicationFlow``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from accounts.exceptions import ApplicationError
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
from funding.models import Condition, FollowUpReport, FundingLine, LineState
from funding.services import bank_details, signatures
from funding.services import lines as line_services
from funding.services import payments as services
from funding.tranches import tranche_rows
from reviewers.selectors import latest_deliberation
from workflows.application.services import application_values, rule_version_for
from workflows.application.steps import ApplicationStep
from workflows.engine import OPEN_STATUSES, TaskNotOpen, task_can_act
from workflows.models import Application
from workflows.steps import StepView, is_step, step_class


def dossier_summary(application: Application) -> dict[str, Any]:
    return {
        "application": application,
        "values": application_values(application=application),
        "deliberation": latest_deliberation(application=application),
    }


# Funding lines (the financiers) --------------------------------------------------------------


class LineStep(StepView[FundingLine]):
    """A step of a financier's line, shown with the dossier and its financing plan."""

    template_name: ClassVar[str] = "workflows/award/funding_line.html"

    def get_process(self) -> FundingLine:
        line = (
            FundingLine.objects.select_related(
                "organisation",
                "first_signer",
                "second_signer",
                "dossier__project__structure__legal_form",
                "dossier__holder__user",
                "dossier__rule_version",
            )
            .filter(pk=self.task.process_id)
            .first()
        )
        if line is None or not self.request.user.has_perm("funding.view_fundingline", line):
            raise Http404("Page introuvable.")
        return line

    def back_url(self) -> str:
        return reverse("workflows:application_detail", args=[self.process.dossier_id])

    def success_url(self, result: Any) -> str:
        return self.back_url()

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        line = self.process
        return super().get_context_data(
            **dossier_summary(line.dossier),
            line=line,
            coverage=line_services.financing_coverage(application=line.dossier),
            second_signature_above=Decimal(settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR),
            **context,
        )


class DecideStep(LineStep):
    def get_context_data(self, **context: Any) -> dict[str, Any]:
        problem = signatures.decision_countersign_problem(
            line=self.process, actor=self.request.user
        )
        return super().get_context_data(
            countersign_problem=problem,
            duty_refusal=signatures.instructor_refusal(line=self.process, actor=self.request.user),
            **context,
        )

    def get_form(self) -> BaseForm:
        # Shown the French way ("12 000,00"), which AmountField reads back unchanged.
        amount = format_number(self.process.decided_amount or self.process.proposed_amount)
        return FundingDecisionForm(self.request.POST or None, initial={"amount": amount})

    def perform(self, process: FundingLine, form: Any) -> FundingLine:
        data = form.cleaned_data
        return line_services.funding_line_decide(
            line=process,
            actor=self.request.user,
            grant=data["decision"] == "grant",
            amount=data["amount"],
            reason=data["reason"],
        )

    def success_text(self, result: FundingLine) -> str:
        if result.state == LineState.AWAITING_SECOND:
            return (
                f"Décision enregistrée : {format_euros(result.decided_amount or 0)}. Au-delà de "
                f"{format_euros(settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR)}, un·e collègue de "
                "votre organisation doit contresigner : la décision lui est transmise."
            )
        return "Décision enregistrée et signée. Merci !"


class CountersignStep(LineStep):
    def get_form(self) -> BaseForm:
        return CountersignForm(self.request.POST or None)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        line = self.process
        first_signer = line.first_signer_id == self.request.user.pk
        # A colleague who left since the first signature: nobody is there to countersign.
        alone = signatures.countersign_impossible(
            organisation=line.organisation,
            amount=line.decided_amount or line.proposed_amount,
            first_signer=line.first_signer,
        )
        return super().get_context_data(
            duty_refusal=signatures.instructor_refusal(
                line=line, actor=self.request.user, countersign=True
            ),
            is_first_signer=first_signer,
            is_countersign=True,
            nobody_to_countersign=alone,
            **context,
        )

    def perform(self, process: FundingLine, form: Any) -> FundingLine:
        data = form.cleaned_data
        return line_services.funding_line_countersign(
            line=process,
            actor=self.request.user,
            confirm=data["decision"] == "confirm",
            reason=data["reason"],
        )

    def success_text(self, result: FundingLine) -> str:
        if self.request.POST.get("decision") == "confirm":
            return "Seconde signature enregistrée : la décision est confirmée."
        return "La décision est renvoyée pour réexamen."


# Convention and payments (MEL staff) ---------------------------------------------------------


class AwardStep(ApplicationStep):
    def success_url(self, result: Any) -> str:
        return self.back_url()

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**dossier_summary(self.process), **context)


class ConventionStep(AwardStep):
    template_name: ClassVar[str] = "workflows/award/convention.html"
    success_message = (
        "C'est enregistré : l'avance peut être versée dès que ses conditions sont remplies."
    )

    def get_form(self) -> BaseForm:
        try:
            self.grant = services.programme_grant(application=self.process)
        except ApplicationError as error:
            raise Http404(error.message) from error
        self.required = services.convention_required(application=self.process)
        self.threshold = rule_version_for(application=self.process).convention_threshold
        return ConventionForm(
            self.request.POST or None,
            required=self.required,
            threshold=format_euros(self.threshold),
        )

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            grant=self.grant, required=self.required, threshold=self.threshold, **context
        )

    def perform(self, process: Application, form: Any) -> Any:
        data = form.cleaned_data
        return services.application_convention_record(
            application=process,
            actor=self.request.user,
            waived=data["waived"],
            holder_signed_on=data["holder_signed_on"],
            mel_signed_on=data["mel_signed_on"],
        )


class TrancheStep(AwardStep):
    """A payment: the tranche with each of its conditions and, when unmet, why."""

    template_name: ClassVar[str] = "workflows/award/tranches.html"
    position: ClassVar[int] = 1

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        rows = tranche_rows(list(self.process.tranches.all()))
        current = next((row for row in rows if row.tranche.position == self.position), None)
        if current is None:
            raise Http404("Cette tranche n'existe pas.")
        structure = self.process.project.structure
        awaited = bank_details.iban_awaited(structure=structure, tranches=[r.tranche for r in rows])
        return super().get_context_data(
            rows=rows,
            current=current,
            reports=list(self.process.reports.all()),
            bank_details={
                "pending": bank_details.bank_details_open_request(application=self.process),
                "can_give": self.request.user.has_perm("applicants.change_structure", structure),
            }
            if awaited
            else None,
            today=timezone.localdate(),
            **context,
        )


class AdvanceStep(TrancheStep):
    success_message = "L'avance est mise en paiement. Le suivi commence."

    def get_form(self) -> BaseForm:
        return ReleaseForm(self.data())  # no field: bound on any POST

    def perform(self, process: Application, form: Any) -> Any:
        return services.tranche_release(application=process, position=1, actor=self.request.user)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context = super().get_context_data(**context)
        conditions_open = (
            Condition.COMMITTEE_CONDITIONS_MET in context["current"].tranche.conditions
            and self.process.conditions_met_at is None
        )
        context["conditions_form"] = ConditionsMetForm() if conditions_open else None
        return context


class BalanceStep(TrancheStep):
    position = 2

    def get_form(self) -> BaseForm:
        return BalanceForm(self.request.POST or None)

    def perform(self, process: Application, form: Any) -> Any:
        data = form.cleaned_data
        if data["action"] == "release":
            services.tranche_release(application=process, position=2, actor=self.request.user)
        return services.application_close(
            application=process, actor=self.request.user, note=data["note"]
        )

    def success_text(self, result: Any) -> str:
        if self.request.POST.get("action") == "release":
            return "Le solde est mis en paiement et le dossier est clôturé."
        return "Le dossier est clôturé sans versement du solde."


# Follow-up reports (the holder) --------------------------------------------------------------


class ReportStep(AwardStep):
    """The holder sends the follow-up report that is due; nobody else may.

    The report stays the same when its step changes (due date passed, reminder sent): a page
    opened before the change is sent on the step that is open now, never lost."""

    template_name: ClassVar[str] = "workflows/award/report.html"
    success_message = "Merci ! Votre rapport est envoyé à l'équipe de la MEL."
    # The later report steps (late, flagged) say so on the page.
    is_late: ClassVar[bool] = False
    is_escalated: ClassVar[bool] = False

    def not_actionable(self) -> HttpResponse | None:
        if self.task.status in OPEN_STATUSES:
            raise PermissionDenied("Seul·e le ou la porteur·se du projet peut rendre ce rapport.")
        current = open_report_task(self.process, self.request.user)
        if current is None:
            nothing = "Aucun rapport n'est attendu pour le moment"
            if self.request.method == "POST":
                nothing += " : rien n'a été enregistré"
            messages.info(self.request, nothing + ".")
            return redirect(self.back_url())
        self.task = current
        return None

    def get_form(self) -> BaseForm:
        report = services.current_report(application=self.process)
        if report is None:
            raise Http404("Aucun rapport n'est attendu.")
        self.report: FollowUpReport = report
        return ReportForm(self.request.POST or None)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        late = step_is_late(self.task) or self.report.due_on < timezone.localdate()
        return {
            "task": self.task,
            "application": self.process,
            "report": self.report,
            "is_late": late,
            "is_escalated": step_is_escalated(self.task),
            **context,
        }

    def perform(self, process: Application, form: Any) -> Any:
        values = {name: form.cleaned_data.get(name) for name in services.REPORT_FIELDS}
        return services.report_submit(application=process, actor=self.request.user, values=values)

    def perform_task(self, form: BaseForm) -> Any:
        """When the step closed meanwhile (the due date passed while the form was sent) and
        another report step is open, the report is sent there instead."""
        try:
            return super().perform_task(form)
        except TaskNotOpen:
            self.task.refresh_from_db()
            if self.task.status in OPEN_STATUSES:
                raise  # still open: someone else holds it, or it is locked
            current = open_report_task(self.process, self.request.user)
            if current is None or current.pk == self.task.pk:
                raise
            self.task = current
            return super().perform_task(form)


class LateReportStep(ReportStep):
    is_late = True


class EscalatedReportStep(ReportStep):
    is_late = True
    is_escalated = True


def step_is_late(task: Task) -> bool:
    bound = step_class(task)
    return bound is not None and issubclass(bound, ReportStep) and bound.is_late


def step_is_escalated(task: Task) -> bool:
    bound = step_class(task)
    return bound is not None and issubclass(bound, ReportStep) and bound.is_escalated


def open_report_task(application: Application, user: Any) -> Task | None:
    """The report step of ``application`` that is open now and that ``user`` may perform:
    the due date or the reminder may have replaced the one a page was opened on."""
    tasks = Task.objects.filter(
        process_id=application.pk, flow_task_type="HUMAN", status__in=OPEN_STATUSES
    ).order_by("-created")
    for candidate in tasks:
        if is_step(candidate, ReportStep) and task_can_act(task=candidate, user=user):
            return candidate
    return None

"""The application's own human steps: the holder fills it in (also when complements are
asked, after a reminder, or to improve it after an adjournment), and MEL staff check its
completeness and eligibility. Each is bound in ``ApplicationFlow``."""

from __future__ import annotations

from typing import Any, ClassVar

from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.access import get_visible_or_404
from workflows.application import checks, services
from workflows.application.attachments import attachments
from workflows.application.forms import CompletenessForm, EligibilityForm
from workflows.application.selectors import application_queryset
from workflows.models import Application
from workflows.steps import StepView


class ApplicationStep(StepView[Application]):
    """A step of the application, shown with the dossier it decides."""

    def get_process(self) -> Application:
        application: Application = get_visible_or_404(
            self.request.user, application_queryset(), pk=self.task.process_id
        )
        return application

    def back_url(self) -> str:
        return reverse("workflows:application_detail", args=[self.process.pk])


class FillStep(ApplicationStep):
    """The holder's steps are filled in on the application form itself, where drafts are
    saved without completing them; the form's "submit" completes the open one."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        self.task = kwargs["task"]
        self.process = self.get_process()
        return redirect("workflows:application_edit", pk=self.process.pk)


class StaffCheckStep(ApplicationStep):
    """Completeness or eligibility: the dossier's values and documents beside the form."""

    template_name: ClassVar[str] = "workflows/application/step.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            application=self.process,
            checks=self.checks(),
            values=services.application_values(application=self.process),
            documents=self.documents(),
            **context,
        )

    def checks(self) -> list[Any]:
        return []

    def documents(self) -> list[Any]:
        """The dossier's checklist, read once per page."""
        if not hasattr(self, "_documents"):
            self._documents = services.checklist_documents(application=self.process)
        return self._documents


class CompletenessStep(StaffCheckStep):
    """The checklist is read from the files really handed in: a dossier with a mandatory
    document missing cannot be declared complete (``checks.application_completeness``)."""

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        rows = [row for row in attachments().checklist(application=self.process) if row.code]
        items = [
            {
                "row": row,
                "files": [d for d in row.documents if d.is_servable],
                "missing": row.is_mandatory and not any(d.is_servable for d in row.documents),
            }
            for row in rows
        ]
        return super().get_context_data(
            document_rows=items, documents_missing=any(item["missing"] for item in items), **context
        )

    def get_form(self) -> BaseForm:
        return CompletenessForm(self.data(), documents=self.documents())

    def perform(self, process: Application, form: Any) -> Any:
        data = form.cleaned_data
        return checks.application_completeness(
            application=process,
            actor=self.request.user,
            complete=data["decision"] == "complete",
            items=data["items"],
            message=data["message"],
            deadline=data["deadline"],
        )


class EligibilityStep(StaffCheckStep):
    def get_form(self) -> BaseForm:
        return EligibilityForm(self.data())

    def checks(self) -> list[Any]:
        return list(checks.application_eligibility_checks(self.process))

    def perform(self, process: Application, form: Any) -> Any:
        data = form.cleaned_data
        return checks.application_eligibility_decide(
            application=process,
            actor=self.request.user,
            eligible=data["decision"] == "eligible",
            reasons=data["reasons"],
        )

"""The journey's three human steps: triage (MEL staff), the proposed organisation's answer,
and the support's conclusion (the organisation). Each is bound in ``JourneyFlow``."""

from __future__ import annotations

from typing import Any, ClassVar

from django.forms import BaseForm
from django.urls import reverse

from accounts.access import get_visible_or_404
from applicants.services.territory import (
    outside_mel_guidance,
    outside_mel_links,
    outside_mel_message,
)
from workflows.journey import services
from workflows.journey.forms import OrientationAnswerForm, SupportConclusionForm, TriageForm
from workflows.journey.selectors import journey_detail_queryset
from workflows.models import Journey
from workflows.steps import StepView


class JourneyStep(StepView[Journey]):
    """A step of the journey, shown with the journey it decides."""

    template_name: ClassVar[str] = "workflows/task.html"

    def get_process(self) -> Journey:
        journey: Journey = get_visible_or_404(
            self.request.user, journey_detail_queryset(), pk=self.task.process_id
        )
        return journey

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(journey=self.process, **context)

    def back_url(self) -> str:
        return reverse("workflows:journey_detail", args=[self.process.pk])


class TriageStep(JourneyStep):
    deadline_label = "Réponse de l'équipe de la MEL attendue"

    def get_form(self) -> BaseForm:
        suggestions = services.orientation_suggestions(journey=self.process)
        return TriageForm(
            self.data(), organisations=suggestions, initial=self.outside_mel_initial()
        )

    def outside_mel_initial(self) -> dict[str, str]:
        """A project outside the MEL is proposed for redirection, with where to go (staff
        still choose, and may change every word)."""
        commune = self.process.project.commune
        if commune is None or commune.in_mel:
            return {}
        return {
            "redirect_reason": outside_mel_message(commune),
            "redirect_guidance": outside_mel_guidance(),
        }

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        commune = self.process.project.commune
        return super().get_context_data(
            outside_mel=commune is not None and not commune.in_mel,
            outside_mel_links=outside_mel_links(),
            **context,
        )

    def perform(self, process: Journey, form: Any) -> Any:
        data = form.cleaned_data
        return services.journey_triage(
            journey=process,
            actor=self.request.user,
            organisation=data["organisation"] if data["decision"] == "orient" else None,
            redirect_reason=data["redirect_reason"],
            redirect_guidance=data["redirect_guidance"],
            note=data["note"],
        )


class OrientationStep(JourneyStep):
    deadline_label = "Réponse de la structure d'accompagnement attendue"

    def get_form(self) -> BaseForm:
        return OrientationAnswerForm(self.data())

    def perform(self, process: Journey, form: Any) -> Any:
        data = form.cleaned_data
        return services.journey_orientation_answer(
            journey=process,
            actor=self.request.user,
            accept=data["answer"] == "accept",
            reason=data["reason"],
        )


class SupportStep(JourneyStep):
    deadline_label = "Prochain point d'étape de l'accompagnement"

    def get_form(self) -> BaseForm:
        return SupportConclusionForm(self.data())

    def perform(self, process: Journey, form: Any) -> Any:
        data = form.cleaned_data
        return services.journey_support_conclude(
            journey=process,
            actor=self.request.user,
            conclusion=data["conclusion"],
            reason=data["reason"],
            opinion=data["opinion"],
            recommended_amount=data["recommended_amount"],
        )

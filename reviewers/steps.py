"""The selection's human steps (stage 8): MEL staff write the instruction note and record
the committee's deliberation; each member scores the dossier. Bound in ``ApplicationFlow``
(instruction, deliberation) and ``ScoringFlow`` (score).

Committee members hold no permission on the Application: they reach a dossier only through
their own scoring, and lose it when they withdraw. Scoring is blind: nobody's score shows on
a member's page until that member has submitted theirs.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from funding.services.signatures import application_countersign_warnings
from reviewers import selectors
from reviewers.forms import ConflictForm, DeliberationForm, InstructionForm, ScoringForm
from reviewers.grid_wording import SCALE, SCALE_MAX
from reviewers.models import Scoring
from reviewers.services import selection as services
from workflows.application.steps import ApplicationStep
from workflows.models import Application, ApplicationStatus
from workflows.steps import StepView


class InstructionStep(ApplicationStep):
    template_name: ClassVar[str] = "workflows/selection/instruction.html"
    success_message = "La note d'instruction est enregistrée : les membres du comité peuvent noter."

    def get_form(self) -> BaseForm:
        application = self.process
        return InstructionForm(
            self.data(),
            sessions=selectors.open_sessions(),
            initial={
                "session": application.committee_session_id,
                "note": application.instruction_note,
            },
        )

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            application=self.process, **selectors.dossier_for_committee(self.process), **context
        )

    def perform(self, process: Application, form: Any) -> Any:
        data = form.cleaned_data
        return services.application_instruct(
            application=process, actor=self.request.user, session=data["session"], note=data["note"]
        )


class DeliberationStep(ApplicationStep):
    template_name: ClassVar[str] = "workflows/selection/deliberation.html"
    success_message = "L'avis du comité est enregistré."
    field_aliases: ClassVar[dict[str, str]] = {"amount": "proposed_amount"}

    def get_form(self) -> BaseForm:
        return DeliberationForm(self.data())

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        session = selectors.session_of(self.process)
        return super().get_context_data(
            application=self.process,
            session=session,
            started=session is not None and session.starts_at <= timezone.now(),
            **selectors.committee_figures(self.process, session),
            **selectors.dossier_for_committee(self.process),
            # The avis creates the funding lines: a financier unable to countersign is said now.
            countersign_warnings=application_countersign_warnings(application=self.process),
            **context,
        )

    def success_url(self, result: Any) -> str:
        return self.back_url()

    def perform(self, process: Application, form: Any) -> Any:
        data = form.cleaned_data
        return services.application_deliberate(
            application=process,
            actor=self.request.user,
            outcome=data["outcome"],
            proposed_amount=data["proposed_amount"],
            conditions=data["conditions"],
            reasons=data["reasons"],
        )


class ScoringStep(StepView[Scoring]):
    """A committee member scores a dossier on the weighted grid (blind until submitted);
    MEL staff may read a scoring, never write it."""

    template_name: ClassVar[str] = "workflows/selection/scoring.html"
    success_message = "Votre notation est enregistrée. Merci !"
    follows_on_dossier_page = False

    def get_process(self) -> Scoring:
        return selectors.scoring_for(self.request.user, self.task)

    def back_url(self) -> str:
        return reverse("workflows:task", args=[self.task.pk])

    def success_url(self, result: Any) -> str:
        return self.back_url()

    def get_form(self) -> BaseForm:
        self.grid = selectors.scoring_grid_of(self.process.dossier)
        return ScoringForm(self.data(), criteria=self.grid)

    def perform(self, process: Scoring, form: Any) -> Any:
        return services.scoring_submit(
            scoring=process,
            actor=self.request.user,
            scores=form.scores(),
            comments=form.comments(),
            comment=form.cleaned_data["comment"],
        )

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "POST"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.task = kwargs["task"]
        scoring = self.process = self.get_process()
        is_member = scoring.member_id == request.user.pk
        if not is_member and selectors.has_withdrawn(scoring):
            return self.render_scoring(form=None, state="withdrawn")
        can_score = self.may_act()
        form = self.get_form()
        if request.method == "POST":
            if not is_member:
                raise PermissionDenied(
                    "Seul·e le membre à qui cette notation est confiée peut noter."
                )
            if not can_score:
                messages.error(request, "Cette notation n'est plus ouverte : rien n'a été modifié.")
                return redirect(self.back_url())
            if form.is_valid():
                response = self.complete(form)
                if response is not None:
                    return response
        return self.render_scoring(form=form if can_score else None, state=self.state())

    def state(self) -> str:
        if self.process.submitted_at is not None:
            return "done"
        if self.process.status == STATUS.CANCELED:
            return "closed"
        return "open"

    def render_scoring(self, *, form: BaseForm | None, state: str) -> HttpResponse:
        scoring = self.process
        context: dict[str, Any] = {
            "task": self.task,
            "scoring": scoring,
            "form": form,
            "state": state,
            "grid": getattr(self, "grid", []),
            "is_member": scoring.member_id == self.request.user.pk,
            "can_withdraw": scoring.member_id == self.request.user.pk
            and scoring.dossier.stage == ApplicationStatus.ON_AGENDA
            and scoring.submitted_at is None,
            "scored_conflict": services.SCORED_CONFLICT,
            "conflict_form": ConflictForm(),
            "scale": SCALE,
            "scale_max": SCALE_MAX,
        }
        if state == "done":
            context.update(selectors.scorings_beside(scoring))
        if state in ("open", "done"):
            context.update(selectors.dossier_for_committee(scoring.dossier))
        return render(self.request, self.template_name, context)

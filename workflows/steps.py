"""One page per human step: the skeleton every node's page shares, declared once.

Each human node of a flow binds its page with ``flow.View(SomeStep.as_view())``. A step
class says what is particular to its node (the dossier it reads, its form, the business
action, its template and its words); ``StepView`` does the rest, the same way for every
node: load the dossier per object (hidden → 404), check that this person may act on this
step now (closed → back to the dossier with a message, someone else's → 403), validate the
form, complete the step through ``engine.task_perform`` (lock, check, act, move on, in one
transaction), then say what happened in French. A refused business rule comes back on the
form, with what was typed kept.

Pages reach a step through one route, ``workflows:task`` (``workflows.routing``), which
calls the view the step's node was bound to: no node name is written outside its flow.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from viewflow.workflow.models import Process, Task

from accounts.exceptions import ApplicationError
from accounts.forms import add_application_error
from accounts.http import AuthenticatedRequest
from workflows.engine import OPEN_STATUSES, TaskNotOpen, task_can_act, task_perform

ProcessT = TypeVar("ProcessT", bound=Process)

DONE = "C'est enregistré. Merci !"


class StepView(View, Generic[ProcessT]):
    """The page of one human node (see the module docstring)."""

    template_name: ClassVar[str] = ""
    success_message: ClassVar[str] = DONE
    # A business rule refused on one field, shown on the form field of another name.
    field_aliases: ClassVar[dict[str, str]] = {}
    # Shown with the step's deadline on the dossier page (empty: a generic label).
    deadline_label: ClassVar[str] = ""
    # Whether the dossier's own page is where the step is followed (a committee member
    # reads the dossier only through their scoring: no).
    follows_on_dossier_page: ClassVar[bool] = True

    request: AuthenticatedRequest
    task: Task
    process: ProcessT

    # What a node declares ----------------------------------------------------------------

    def get_process(self) -> ProcessT:
        """The step's dossier, visible to the reader (``Http404`` otherwise)."""
        raise NotImplementedError

    def get_form(self) -> BaseForm:
        raise NotImplementedError

    def perform(self, process: ProcessT, form: Any) -> Any:
        """The business action that completes the step (a keyword-only service call)."""
        raise NotImplementedError

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {"task": self.task, **context}

    def back_url(self) -> str:
        """The dossier's page: where a closed step sends its reader."""
        raise NotImplementedError

    def success_url(self, result: Any) -> str:
        return reverse("workflows:inbox")

    def success_text(self, result: Any) -> str:
        return self.success_message

    # The skeleton ------------------------------------------------------------------------

    def data(self) -> Any:
        """The submitted data, or ``None`` on a GET (a form with no field is bound on POST)."""
        return self.request.POST if self.request.method == "POST" else None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "POST"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.task = kwargs["task"]
        self.process = self.get_process()
        if not self.may_act():
            refused = self.not_actionable()
            if refused is not None:
                return refused
        return self.show(self.get_form())

    def may_act(self) -> bool:
        return task_can_act(task=self.task, user=self.request.user)

    def not_actionable(self) -> HttpResponse | None:
        """The reader may not act on this step now: already done, or not theirs."""
        if self.task.status not in OPEN_STATUSES:
            messages.info(self.request, "Cette étape a déjà été traitée.")
            return redirect(self.back_url())
        raise PermissionDenied("Cette étape ne vous est pas confiée.")

    def show(self, form: BaseForm) -> HttpResponse:
        if self.request.method == "POST" and form.is_valid():
            response = self.complete(form)
            if response is not None:
                return response
        return render(self.request, self.template_name, self.get_context_data(form=form))

    def complete(self, form: BaseForm) -> HttpResponse | None:
        """Complete the step: a redirect when done (or no longer open), ``None`` when a
        rule refused it (the message is then on the form, what was typed kept)."""
        try:
            result = self.perform_task(form)
        except TaskNotOpen as error:
            messages.error(self.request, error.message)
            return redirect(self.back_url())
        except ApplicationError as error:
            error.field = self.field_aliases.get(error.field or "", error.field)
            add_application_error(form, error)
            return None
        messages.success(self.request, self.success_text(result))
        return redirect(self.success_url(result))

    def perform_task(self, form: BaseForm) -> Any:
        return task_perform(
            task=self.task, user=self.request.user, perform=lambda p: self.perform(p, form)
        )


def step_class(task: Task | None) -> type[StepView[Any]] | None:
    """The step class a task's node was bound to (``None`` for other nodes)."""
    return None if task is None else step_class_of(task.flow_task)


def step_class_of(node: Any) -> type[StepView[Any]] | None:
    """The step class a flow node was bound to with ``flow.View`` (``None`` otherwise)."""
    view = getattr(node, "view", None)
    view_class = getattr(view, "view_class", None)
    if isinstance(view_class, type) and issubclass(view_class, StepView):
        return view_class
    return None


def is_step(task: Task | None, kind: type[StepView[Any]]) -> bool:
    """Whether ``task`` is a step of that kind (``is_step(task, FillStep)``)."""
    bound = step_class(task)
    return bound is not None and issubclass(bound, kind)

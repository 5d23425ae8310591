"""Pages of the application: the dossier, filling it in (drafts, submission), the staff
steps (completeness, eligibility), the mandate, withdrawal and the refusal letter.

Every page checks the application per object (hidden → 404, forbidden → 403) and completes
steps only through ``workflows.engine.task_perform``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.http import AuthenticatedRequest
from accounts.listing import list_context
from audit.selectors import audit_panel
from funding.views import award_context
from reviewers.views import selection_context
from workflows.application import services
from workflows.application.filters import ApplicationFilter, BatchForm
from workflows.application.flows import application_open as open_application
from workflows.application.flows import applications_move_session
from workflows.application.forms import (
    ApplicationForm,
    FinancingLineForm,
)
from workflows.application.letters import refusal_letter_pdf
from workflows.application.reminders import applications_remind
from workflows.application.selectors import application_list, application_queryset
from workflows.application.steps import FillStep
from workflows.engine import OPEN_STATUSES, TaskNotOpen, task_can_act, task_perform
from workflows.journey.forms import WithdrawForm
from workflows.journey.selectors import journey_detail_queryset
from workflows.models import Application, ApplicationStatus, Journey
from workflows.panels import sent_notifications_panel
from workflows.steps import is_step

PAGE_SIZE = 25
STAFF_PERM = "workflows.instruct_application"


def _open_tasks(application: Application) -> list[Task]:
    return list(
        Task.objects.filter(
            process_id=application.pk, flow_task_type="HUMAN", status__in=OPEN_STATUSES
        ).select_related("owner")
    )


def _applicant_task(application: Application) -> Task | None:
    return next((t for t in _open_tasks(application) if is_step(t, FillStep)), None)


@require_POST
@login_required
def application_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    journey: Journey = get_visible_or_404(request.user, journey_detail_queryset(), pk=pk)
    if journey.holder_id != request.user.pk:
        raise PermissionDenied("Seul·e le ou la porteur·se du projet peut ouvrir la candidature.")
    try:
        application = open_application(journey=journey, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("workflows:journey_detail", pk=journey.pk)
    messages.success(request, "Votre candidature est ouverte : remplissez-la à votre rythme.")
    return redirect("workflows:application_edit", pk=application.pk)


@login_required
def application_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    is_holder = application.holder_id == request.user.pk
    tasks = [t for t in _open_tasks(application) if task_can_act(task=t, user=request.user)]
    return render(
        request,
        "workflows/application/detail.html",
        {
            "application": application,
            "is_holder": is_holder,
            "my_tasks": tasks,
            "can_fill": _may_fill(request, application),
            "mandate": services.active_mandate(application=application),
            "values": services.application_values(application=application),
            "checks": application.eligibility_checks.all(),
            "financing_lines": application.financing_lines.all(),
            "events": services.application_history(application=application, user=request.user),
            "edits": application.edits.select_related("editor", "mandate")[:50],
            "can_withdraw": is_holder and application.stage in services.OPEN_STATUSES,
            "withdraw_form": WithdrawForm(),
            "sent_notifications": sent_notifications_panel(
                request, f"workflows.application:{application.pk}"
            ),
            "audit_records": audit_panel(
                user=request.user, dossier_ref=f"workflows.application:{application.pk}"
            ),
            **selection_context(application=application, user=request.user),
            **award_context(application=application, user=request.user),
        },
    )


def _may_fill(request: AuthenticatedRequest, application: Application) -> bool:
    if services.editable_fields(application=application) == set():
        return False
    if application.holder_id == request.user.pk:
        return True
    return services.active_mandate(application=application) is not None and request.user.has_perm(
        "workflows.fill_application", application
    )


@login_required
def application_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Fill in the application: "save draft" keeps what was typed without completing the
    step; "submit" (the holder only) completes it when nothing is missing."""
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if not _may_fill(request, application):
        if application.holder_id == request.user.pk and request.method == "POST":
            messages.error(request, "Cette candidature a déjà été déposée : rien n'a été modifié.")
            return redirect("workflows:application_detail", pk=application.pk)
        raise PermissionDenied("Vous ne pouvez pas modifier cette candidature.")
    documents = services.checklist_documents(application=application)
    editable = services.editable_fields(application=application)
    form = ApplicationForm(
        request.POST or None,
        documents=documents,
        editable=editable,
        initial=services.application_values(application=application),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save_draft(
                application=application, actor=request.user, values=form.cleaned_data
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("workflows:application_detail", pk=application.pk)
        if request.POST.get("action") != "submit":
            messages.success(request, "Brouillon enregistré.")
            return redirect("workflows:application_edit", pk=application.pk)
        if _submit(request, application):
            return redirect("workflows:application_detail", pk=application.pk)
        return redirect("workflows:application_edit", pk=application.pk)
    return _edit_page(request, application, form, FinancingLineForm())


def _edit_page(
    request: AuthenticatedRequest,
    application: Application,
    form: ApplicationForm,
    financing_form: FinancingLineForm,
) -> HttpResponse:
    return render(
        request,
        "workflows/application/edit.html",
        {
            "application": application,
            "form": form,
            "is_holder": application.holder_id == request.user.pk,
            "request_": application.complement_requests.filter(answered_at__isnull=True).first(),
            "financing_lines": application.financing_lines.select_related("organisation"),
            "financing_form": financing_form,
        },
    )


def _submit(request: AuthenticatedRequest, application: Application) -> bool:
    if application.holder_id != request.user.pk:
        messages.error(request, "Seul·e le ou la porteur·se du projet peut déposer la candidature.")
        return False
    task = _applicant_task(application)
    if task is None:
        messages.error(request, "Cette candidature a déjà été déposée : rien n'a été modifié.")
        return True
    try:
        task_perform(
            task=task,
            user=request.user,
            perform=lambda application: services.application_submit(
                application=application, actor=request.user
            ),
        )
    except TaskNotOpen as error:
        messages.error(request, error.message)
        return True
    except PermissionDenied:
        messages.error(request, "Seul·e le ou la porteur·se du projet peut déposer la candidature.")
        return False
    except ApplicationError as error:
        messages.error(request, f"{error.message} Votre brouillon est enregistré.")
        return False
    messages.success(request, "Votre candidature est déposée. L'équipe de la MEL la vérifie.")
    return True


@require_POST
@login_required
def financing_line_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if not _may_fill(request, application):
        raise PermissionDenied("Vous ne pouvez pas modifier cette candidature.")
    form = FinancingLineForm(request.POST)
    if not form.is_valid():
        # Show the page again with what was typed and the errors next to each field.
        messages.error(
            request, "Le cofinancement n'a pas été ajouté : vérifiez les champs signalés."
        )
        editable = services.editable_fields(application=application)
        application_form = ApplicationForm(
            documents=services.checklist_documents(application=application),
            editable=editable,
            initial=services.application_values(application=application),
        )
        return _edit_page(request, application, application_form, form)
    else:
        try:
            services.financing_line_add(
                application=application, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Le cofinancement est ajouté au plan de financement.")
    return redirect("workflows:application_edit", pk=application.pk)


@require_POST
@login_required
def application_mandate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if application.holder_id != request.user.pk:
        raise PermissionDenied("Seul·e le ou la porteur·se du projet peut gérer le mandat.")
    try:
        if request.POST.get("action") == "revoke":
            services.mandate_revoke(application=application, actor=request.user)
            messages.success(request, "Le mandat est retiré.")
        else:
            services.mandate_grant(application=application, actor=request.user)
            messages.success(
                request, "Votre structure d'accompagnement peut maintenant remplir avec vous."
            )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("workflows:application_detail", pk=application.pk)


@require_POST
@login_required
def application_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if application.holder_id != request.user.pk:
        raise PermissionDenied("Seul·e le ou la porteur·se du projet peut retirer sa candidature.")
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.application_withdraw(
            application=application, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Votre candidature est retirée.")
    return redirect("workflows:application_detail", pk=application.pk)


@login_required
def application_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The motivated refusal letter, as a PDF download."""
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    if application.stage != ApplicationStatus.INELIGIBLE:
        raise Http404("Aucun courrier de refus pour cette candidature.")
    response = HttpResponse(refusal_letter_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="courrier-refus-candidature-{application.pk}.pdf"'
    )
    return response


@login_required
def application_index(request: AuthenticatedRequest) -> HttpResponse:
    """Applications the reader may see, searched, filtered and sorted; MEL staff also act on
    a selection (remind, place on a session)."""
    queryset = application_list(user=request.user)  # the stage is one of the filters
    filterset = ApplicationFilter(request.GET, queryset=queryset, request=request)
    context = list_context(request, filterset, per_page=PAGE_SIZE)
    if context["page"].object_list and request.user.has_perm(STAFF_PERM):
        context["batch_form"] = BatchForm()
        context["reminder_cooldown_days"] = settings.REMINDER_COOLDOWN_DAYS
    return render(request, "workflows/application_list.html", context)


@require_POST
@login_required
def application_batch(request: AuthenticatedRequest) -> HttpResponse:
    """One action on the selected dossiers; each dossier checked and acted on by itself,
    the outcome summed up in one message."""
    if not request.user.has_perm(STAFF_PERM):
        raise PermissionDenied("Les actions sur une sélection sont réservées à l'équipe de la MEL.")
    form = BatchForm(request.POST)
    back = f"{reverse('workflows:application_list')}?{form.back_query()}"
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(back)
    pks, action = form.cleaned_data["dossiers"], form.cleaned_data["action"]
    if action == BatchForm.REMIND:
        outcome = applications_remind(pks=pks, actor=request.user)
        text = outcome.summary(("relancé", "relancés"))
    else:
        session = form.cleaned_data["session"]
        outcome = applications_move_session(pks=pks, actor=request.user, session=session)
        text = outcome.summary(("placé", "placés"))
    (messages.success if not outcome.refused else messages.warning)(request, text)
    return redirect(back)

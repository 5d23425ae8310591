"""Pages of the application: the dossier, filling it in (drafts, submission), the staff
steps (completeness, eligibility), the mandate, withdrawal and the refusal letter.

Every page checks the application per object (hidden → 404, forbidden → 403) and completes
steps only through ``workflows.engine.task_perform``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.http import AuthenticatedRequest
from accounts.listing import list_context
from audit.selectors import audit_panel
from funding.views import award_context
from reviewers.views import selection_context
from workflows.application import drafts, services
from workflows.application.attachments import attachments
from workflows.application.filters import ApplicationFilter, BatchForm
from workflows.application.flows import application_open as open_application
from workflows.application.flows import applications_move_session
from workflows.application.forms import (
    ApplicationForm,
    DocumentFilesForm,
    FinancingLineForm,
)
from workflows.application.history import application_edits
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
# Sent by static/js/autosave.js: save the draft in the background, answer in JSON.
AUTOSAVE_HEADER = "X-Autosave"
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
            "mandate_unavailable": services.mandate_unavailable_reason(application=application),
            "values": services.application_values(application=application),
            "checks": application.eligibility_checks.all(),
            "financing_lines": application.financing_lines.all(),
            "events": services.application_history(application=application, user=request.user),
            "edits": application_edits(application=application),
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
    """Fill in the application and hand in its documents, in one form: "save draft" keeps
    what was typed and stores the files chosen without completing the step; "submit" (the
    holder only) completes it when nothing is missing. A refused file keeps the rest."""
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    autosave = request.method == "POST" and request.headers.get(AUTOSAVE_HEADER) == "1"
    if not _may_fill(request, application):
        if application.holder_id == request.user.pk and autosave:
            return _autosave_answer(False, "Cette candidature ne peut plus être modifiée.", 409)
        if application.holder_id == request.user.pk and request.method == "POST":
            messages.error(request, "Cette candidature a déjà été déposée : rien n'a été modifié.")
            return redirect("workflows:application_detail", pk=application.pk)
        raise PermissionDenied("Vous ne pouvez pas modifier cette candidature.")
    editable = services.editable_fields(application=application)
    form = ApplicationForm(
        request.POST or None,
        editable=editable,
        initial=services.application_values(application=application),
    )
    if request.method != "POST":
        return _edit_page(request, application, form, FinancingLineForm())
    if autosave:
        return _autosave(request, application, form)
    if "supprimer" in request.POST:  # a file's own "Supprimer" button: nothing else sent
        _delete_file(request, application, request.POST["supprimer"])
        return redirect("workflows:application_edit", pk=application.pk)
    files = _files_form(request, application, editable)
    if not (form.is_valid() and files.is_valid()):
        return _edit_page(request, application, form, FinancingLineForm(), files=files)
    try:
        drafts.application_save_draft(
            application=application, actor=request.user, values=form.cleaned_data
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("workflows:application_detail", pk=application.pk)
    refused = _store_files(request, application, files)
    if refused:
        return _edit_page(request, application, form, FinancingLineForm(), files=files)
    if request.POST.get("action") != "submit":
        messages.success(request, "Brouillon enregistré.")
        return redirect("workflows:application_edit", pk=application.pk)
    problems = _submit(request, application)
    if problems:
        return _edit_page(request, application, form, FinancingLineForm(), problems=problems)
    return redirect("workflows:application_detail", pk=application.pk)


def _files_form(
    request: AuthenticatedRequest, application: Application, editable: set[str] | None
) -> DocumentFilesForm:
    rows = attachments().checklist(application=application)
    return DocumentFilesForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        rows=[row for row in rows if not _has_file(row)],
        editable=editable,
        accept=attachments().accept,
    )


def _store_files(
    request: AuthenticatedRequest, application: Application, files: DocumentFilesForm
) -> bool:
    """Store each file chosen, and delete the one asked; a refusal goes next to its
    document (nothing of that file is kept). Returns whether something was refused."""
    refused = False
    for code, upload in files.uploads():
        try:
            document = attachments().upload(
                application=application, actor=request.user, code=code, uploaded_file=upload
            )
        except ApplicationError as error:
            files.add_error(f"piece_{code}", f"Le fichier n'a pas été déposé : {error.message}")
            refused = True
        else:
            messages.success(request, f"« {document.original_name} » est déposé.")
    return refused


def _delete_file(request: AuthenticatedRequest, application: Application, public_id: str) -> None:
    try:
        document = attachments().delete(
            application=application, actor=request.user, public_id=public_id
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"« {document.original_name} » est supprimé.")


def _autosave(
    request: AuthenticatedRequest, application: Application, form: ApplicationForm
) -> JsonResponse:
    """The background save of static/js/autosave.js: the same checks and the same draft
    service as the "save draft" button, never a submission, no message left for the next
    page; a short answer the script shows in its live region."""
    if not form.is_valid():
        return _autosave_answer(
            False,
            "Brouillon non enregistré automatiquement\u00a0: une valeur est à corriger, "
            "elle vous sera signalée quand vous enregistrerez.",
            400,
        )
    try:
        drafts.application_save_draft(
            application=application, actor=request.user, values=form.cleaned_data
        )
    except ApplicationError as error:
        return _autosave_answer(False, error.message, 409)
    now = timezone.localtime()
    return _autosave_answer(
        True, f"Brouillon enregistré à {now.hour}\u00a0h\u00a0{now.minute:02d}.", 200
    )


def _autosave_answer(saved: bool, message: str, status: int) -> JsonResponse:
    return JsonResponse({"saved": saved, "message": message}, status=status)


def _edit_page(
    request: AuthenticatedRequest,
    application: Application,
    form: ApplicationForm,
    financing_form: FinancingLineForm,
    *,
    files: DocumentFilesForm | None = None,
    problems: list[services.Missing] | None = None,
) -> HttpResponse:
    editable = services.editable_fields(application=application)
    files = files or _files_form(request, application, editable)
    rows = attachments().checklist(application=application)
    return render(
        request,
        "workflows/application/edit.html",
        {
            "application": application,
            "form": form,
            "files_form": files,
            "document_rows": [
                {
                    "row": row,
                    "field": None if _has_file(row) or name not in files.fields else files[name],
                    "can_change": editable is None or f"doc_{row.code}" in editable,
                }
                for row in rows
                if row.code
                for name in [f"piece_{row.code}"]
            ],
            "formats": attachments().formats,
            "problems": [_problem_link(problem, files) for problem in problems or []],
            "is_holder": application.holder_id == request.user.pk,
            "request_": application.complement_requests.filter(answered_at__isnull=True).first(),
            "financing_lines": application.financing_lines.select_related("organisation"),
            "financing_form": financing_form,
        },
    )


def _has_file(row: Any) -> bool:
    """A file is handed in for the row (an infected one is shown but counts for nothing)."""
    return any(document.is_servable for document in row.documents)


def _problem_link(problem: services.Missing, files: DocumentFilesForm) -> tuple[str, str]:
    """The sentence and the anchor of the field where it is fixed (the file input of a
    missing document, the section of a document that cannot be changed now)."""
    if problem.field.startswith("doc_"):
        code = problem.field.removeprefix("doc_")
        name = f"piece_{code}"
        return problem.text, f"#id_{name}" if name in files.fields else f"#piece-{code}"
    return problem.text, f"#id_{problem.field}" if problem.field else ""


def _submit(request: AuthenticatedRequest, application: Application) -> list[services.Missing]:
    """Complete the holder's step; what is missing comes back as a list (nothing done)."""
    if application.holder_id != request.user.pk:
        messages.error(request, "Seul·e le ou la porteur·se du projet peut déposer la candidature.")
        return []
    task = _applicant_task(application)
    if task is None:
        messages.error(request, "Cette candidature a déjà été déposée : rien n'a été modifié.")
        return []
    problems = services.application_problems(application=application)
    if problems:
        messages.error(
            request,
            "Votre candidature n'est pas encore déposée : complétez ce qui manque. "
            "Votre brouillon est enregistré.",
        )
        return problems
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
        return []
    except PermissionDenied:
        messages.error(request, "Seul·e le ou la porteur·se du projet peut déposer la candidature.")
        return []
    except ApplicationError as error:
        messages.error(request, f"{error.message} Votre brouillon est enregistré.")
        return services.application_problems(application=application) or [
            services.Missing(error.message)
        ]
    messages.success(request, "Votre candidature est déposée. L'équipe de la MEL la vérifie.")
    return []


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
        application_form = ApplicationForm(
            editable=services.editable_fields(application=application),
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

"""QPV pages: the applicant declares, MEL staff verify or correct with a reason."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.forms import add_application_error
from accounts.http import AuthenticatedRequest
from accounts.listing import list_context
from applicants.filters import QpvQueueFilter
from applicants.forms import DONT_KNOW, NONE_OF_THESE, QpvDeclarationForm, QpvVerificationForm
from applicants.models import Project, QpvArea
from applicants.selectors.projects import project_detail_queryset
from applicants.selectors.territory import (
    projects_awaiting_qpv_verification,
    qpv_areas_for_commune,
)
from applicants.services.territory import qpv_declare, qpv_verify

PAGE_SIZE = 25


def _areas(project: Project) -> list[QpvArea]:
    if project.commune is None:
        return []
    return list(qpv_areas_for_commune(commune=project.commune, generation=settings.QPV_GENERATION))


@login_required
def qpv_declaration(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(request.user, project_detail_queryset(), pk=pk)
    if project.holder_id != request.user.pk:
        raise PermissionDenied("Seul·e le ou la porteur·se du projet peut déclarer son quartier.")
    form = QpvDeclarationForm(request.POST or None, areas=_areas(project))
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        try:
            qpv_declare(
                project=project,
                qpv=form.areas.get(answer),
                none_of_these=answer == NONE_OF_THESE,
                actor=request.user,
            )
        except ApplicationError as error:
            form.add_error(None if error.field == "qpv" else "answer", error.message)
        else:
            messages.success(
                request, "Merci, votre réponse est enregistrée. L'équipe de la MEL la confirmera."
            )
            return redirect("applicants:project_detail", pk=project.pk)
    return render(
        request,
        "applicants/qpv_declaration.html",
        {"project": project, "form": form, "dont_know": DONT_KNOW},
    )


@login_required
def qpv_queue(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.has_perm("applicants.add_qpvdetermination"):
        raise PermissionDenied("Cette liste est réservée à l'équipe de la MEL.")
    projects = projects_awaiting_qpv_verification(user=request.user)
    filterset = QpvQueueFilter(request.GET, queryset=projects, request=request)
    context = list_context(request, filterset, per_page=PAGE_SIZE, noun=("projet", "projets"))
    return render(request, "applicants/qpv_queue.html", context)


@login_required
def qpv_verification(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(request.user, project_detail_queryset(), pk=pk)
    if not request.user.has_perm("applicants.add_qpvdetermination"):
        raise PermissionDenied("La vérification QPV est réservée à l'équipe de la MEL.")
    current = project.current_qpv
    initial = {"outcome": current.outcome, "qpv": current.qpv_id or ""} if current else {}
    form = QpvVerificationForm(request.POST or None, areas=_areas(project), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            qpv_verify(
                project=project,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                qpv=form.cleaned_data["qpv_area"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "La situation QPV est enregistrée.")
            return redirect("applicants:project_detail", pk=project.pk)
    return render(request, "applicants/qpv_verification.html", {"project": project, "form": form})

"""The applicant's space and the project/structure pages, each checked per object."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.access import get_visible_or_404, require_perm
from accounts.exceptions import ApplicationError
from accounts.forms import add_application_error
from accounts.http import AuthenticatedRequest
from accounts.listing import list_context
from accounts.models import User
from applicants.filters import ProjectFilter
from applicants.forms import PersonDetailsForm, ProjectForm, StructureForm
from applicants.models import Person, Project, Structure
from applicants.selectors.projects import (
    person_projects,
    person_structures,
    project_detail_queryset,
    project_list,
    structure_detail_queryset,
)
from applicants.services import person_update, project_create, project_update, structure_save

PAGE_SIZE = 25


def _person_or_403(request: AuthenticatedRequest) -> Person:
    person = Person.objects.filter(pk=request.user.pk).first()
    if person is None:
        raise PermissionDenied("Cet espace est réservé aux porteur·ses de projet.")
    return person


def _apply_error(form: forms.ModelForm, error: ApplicationError | ValidationError) -> None:
    if isinstance(error, ValidationError):
        form._update_errors(error)  # type: ignore[attr-defined]  # per field, like form validation
    else:
        add_application_error(form, error)


@login_required
def applicant_space(request: AuthenticatedRequest) -> HttpResponse:
    person = _person_or_403(request)
    return render(
        request,
        "applicants/space.html",
        {
            "person": person,
            "projects": person_projects(person=person),
            "structures": person_structures(person=person),
        },
    )


@login_required
def person_details(request: AuthenticatedRequest) -> HttpResponse:
    """The applicant's own details: only their own Person, never anyone else's."""
    person = _person_or_403(request)
    form = PersonDetailsForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person_update(
            person=person,
            first_name=data["first_name"],
            last_name=data["last_name"],
            civility=data["civility"],
            phone=data["phone"],
            role_in_structure=data["role_in_structure"],
            gender=data["gender"],
            age_band=data["age_band"],
        )
        messages.success(request, "Vos informations sont enregistrées.")
        return redirect("applicants:space")
    return render(request, "applicants/person_details.html", {"form": form, "person": person})


@login_required
def structure_create(request: AuthenticatedRequest) -> HttpResponse:
    person = _person_or_403(request)
    form = StructureForm(request.POST or None, instance=Structure(holder=person))
    if request.method == "POST" and form.is_valid():
        try:
            structure = structure_save(structure=form.save(commit=False))
        except (ApplicationError, ValidationError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, f"La structure « {structure.name} » est enregistrée.")
            return redirect("applicants:structure_detail", pk=structure.pk)
    return render(request, "applicants/structure_form.html", {"form": form, "creating": True})


@login_required
def structure_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    structure = get_visible_or_404(request.user, structure_detail_queryset(), pk=pk)
    can_change = request.user.has_perm("applicants.change_structure", structure)
    return render(
        request,
        "applicants/structure_detail.html",
        {"structure": structure, "can_change": can_change},
    )


@login_required
def structure_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    structure = get_visible_or_404(request.user, structure_detail_queryset(), pk=pk)
    require_perm(request.user, "change", structure)
    form = StructureForm(request.POST or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        try:
            structure_save(structure=form.save(commit=False))
        except (ApplicationError, ValidationError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, "Les modifications sont enregistrées.")
            return redirect("applicants:structure_detail", pk=structure.pk)
    return render(request, "applicants/structure_form.html", {"form": form, "structure": structure})


def _structure_choices(user: User, project: Project) -> QuerySet[Structure]:
    # Only the holder may move a project to another of their structures; others would
    # otherwise learn the names of structures they have no access to.
    if user.pk == project.holder_id:
        return person_structures(person=project.holder)
    if project.structure_id is None:
        return Structure.objects.none()
    return Structure.objects.filter(pk=project.structure_id)


@login_required
def project_index(request: AuthenticatedRequest) -> HttpResponse:
    """Staff see every project; a support organisation sees its portfolio; others only theirs."""
    filterset = ProjectFilter(
        request.GET, queryset=project_list(user=request.user), request=request
    )
    context = list_context(request, filterset, per_page=PAGE_SIZE, noun=("projet", "projets"))
    return render(request, "applicants/project_list.html", context)


@login_required
def project_create_view(request: AuthenticatedRequest) -> HttpResponse:
    person = _person_or_403(request)
    form = ProjectForm(request.POST or None, holder_structures=person_structures(person=person))
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create(holder=person, actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, f"Le projet « {project.title} » est enregistré.")
            return redirect("applicants:project_detail", pk=project.pk)
    return render(request, "applicants/project_form.html", {"form": form, "creating": True})


@login_required
def project_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(request.user, project_detail_queryset(), pk=pk)
    return render(
        request,
        "applicants/project_detail.html",
        {
            "project": project,
            "can_change": request.user.has_perm("applicants.change_project", project),
            "is_holder": project.holder_id == request.user.pk,
            "can_verify_qpv": request.user.has_perm("applicants.add_qpvdetermination"),
            "qpv_history": project.qpv_determinations.select_related("decided_by")[:10],
        },
    )


@login_required
def project_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(request.user, project_detail_queryset(), pk=pk)
    require_perm(request.user, "change", project)
    form = ProjectForm(
        request.POST or None,
        instance=project,
        holder_structures=_structure_choices(request.user, project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            project_update(project=project, actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, "Les modifications sont enregistrées.")
            return redirect("applicants:project_detail", pk=project.pk)
    return render(request, "applicants/project_form.html", {"form": form, "project": project})

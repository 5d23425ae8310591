"""What each persona finds on its home page. Every block is bounded and filtered per object."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation, OrganisationKind
from accounts.policy import Persona
from accounts.selectors import AnyUser, user_organisation_ids, user_personas
from applicants.models import Person
from applicants.selectors.projects import person_projects, person_structures, project_list

from .models import Journey
from .selectors import open_tasks_for

PREVIEW_ROWS = 5


def dashboard_context(user: AnyUser) -> dict[str, Any]:
    personas = user_personas(user)
    context: dict[str, Any] = {"user_personas": sorted(p.label for p in personas)}
    if Persona.APPLICANT in personas:
        person = Person.objects.get(pk=user.pk)
        context["applicant_projects"] = person_projects(person=person)
        context["applicant_structures"] = person_structures(person=person)
        context["applicant_journeys"] = (
            Journey.objects.filter(holder=person)
            .select_related("project", "project__support_organisation")
            .order_by("-created")
        )
    if personas & {Persona.MEL_STAFF, Persona.SUPPORT_MEMBER, Persona.APPLICANT}:
        context["open_task_count"] = open_tasks_for(user=user).count()
    if personas & {Persona.MEL_STAFF, Persona.SUPPORT_MEMBER}:
        projects = project_list(user=user)
        context["projects_preview"] = projects[:PREVIEW_ROWS]
        context["projects_total"] = projects.count()
    if personas & {Persona.SUPPORT_MEMBER, Persona.FINANCIER_MEMBER, Persona.COMMITTEE_MEMBER}:
        context["my_organisations"] = Organisation.objects.filter(
            pk__in=user_organisation_ids(user)
        ).exclude(kind=OrganisationKind.MEL_TEAM)
    if Persona.COMMITTEE_MEMBER in personas or Persona.MEL_STAFF in personas:
        from reviewers.selectors import sessions_visible_to

        context["sessions_preview"] = sessions_visible_to(user=user)[:PREVIEW_ROWS]
    context["show_statistics"] = user.has_perm("applicants.aggregate_project")
    context["show_admin"] = user.is_staff
    return context

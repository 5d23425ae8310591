"""Helpers for driving the application through HTTP as each persona."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Organisation, User
from applicants.models import Commune, LegalForm
from funding.models import RequiredDocument
from tests.factories.applicants import StructureFactory
from tests.workflows.conftest import act, applicant_of, open_task, submit_first_contact
from workflows.models import Application, Journey, JourneyStage


def ready_journey(
    client: Client,
    commune: Commune,
    staff: User,
    incubator: Organisation,
    member: User,
    *,
    email: str = "nadia@example.org",
    legal_form: str = "association",
    title: str = "Cantine solidaire",
) -> Journey:
    """A journey ended "ready to apply", its project carried by a structure in the MEL."""
    if not RequiredDocument.objects.exists():
        call_command("load_programme_rules", verbosity=0)
    journey = submit_first_contact(client, commune, email=email, title=title)
    assert (
        act(
            client,
            staff,
            open_task(journey, "triage"),
            {"decision": "orient", "organisation": incubator.pk},
        ).status_code
        == 302
    )
    assert (
        act(client, member, open_task(journey, "orientation"), {"answer": "accept"}).status_code
        == 302
    )
    response = act(
        client,
        member,
        open_task(journey, "support"),
        {"conclusion": "ready", "opinion": "Projet solide.", "recommended_amount": "12000"},
    )
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.READY_TO_APPLY
    structure = StructureFactory(
        holder=journey.holder,
        legal_form=LegalForm.objects.get(code=legal_form),
        commune=commune,
        creation_date=timezone.localdate() - datetime.timedelta(days=400),
    )
    journey.project.structure = structure
    journey.project.save()
    applicant_of(journey)
    return journey


def open_application(client: Client, journey: Journey) -> Application:
    client.force_login(journey.holder.user)
    response = client.post(reverse("workflows:application_open", args=[journey.pk]))
    assert response.status_code == 302, response.content.decode()[:500]
    return Application.objects.get(source_journey=journey)


def documents_data(application: Application, *, skip: str = "") -> dict[str, Any]:
    """A real PDF for each mandatory document, in the form's file inputs."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support import sample_files
    from workflows.application.services import checklist_documents

    return {
        f"piece_{d.code}": SimpleUploadedFile(f"{d.code}.pdf", sample_files.pdf(d.label))
        for d in checklist_documents(application=application)
        if d.is_mandatory and d.code != skip
    }


def full_data(application: Application, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "axis": "startup",
        "requested_amount": "12000",
        "charges_total": "60000",
        "produits_total": "60000",
        "jobs_planned_fte": "2",
        "social_utility": "Une cantine de quartier à prix libre, avec des emplois d'insertion.",
        **documents_data(application),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_form(
    client: Client, user: User, application: Application, data: dict[str, Any], action: str
) -> Any:
    client.force_login(user)
    return client.post(
        reverse("workflows:application_edit", args=[application.pk]), {**data, "action": action}
    )


def app_task(application: Application, node: str) -> Task:
    from workflows.application.flows import ApplicationFlow

    return Task.objects.get(
        process_id=application.pk,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
        flow_task=getattr(ApplicationFlow, node),
    )


def staff_step(
    client: Client, staff: User, application: Application, node: str, data: dict[str, Any]
) -> Any:
    client.force_login(staff)
    return client.post(reverse("workflows:task", args=[app_task(application, node).pk]), data)


def submitted_application(
    client: Client, commune: Commune, staff: User, incubator: Organisation, member: User, **kw: Any
) -> Application:
    journey = ready_journey(client, commune, staff, incubator, member, **kw)
    application = open_application(client, journey)
    response = post_form(client, journey.holder.user, application, full_data(application), "submit")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == "submitted", [str(m) for m in response.wsgi_request._messages]
    return application


def make_waiting_applications(count: int) -> None:
    """Applications through the real engine, each submitted and waiting for MEL staff's
    completeness check (data filled directly: only the inbox is under test)."""
    from applicants.models import Commune as CommuneModel
    from workflows.application.flows import ApplicationFlow
    from workflows.engine import task_perform
    from workflows.journey.flows import first_contact_submit
    from workflows.journey.services import FirstContact

    place = CommuneModel.objects.get_or_create(
        insee_code="59512", defaults={"name": "Roubaix", "epci_siren": "200093201"}
    )[0]
    start = Application.objects.count()
    for i in range(start, start + count):
        contact = FirstContact(
            email=f"candidat{i}@example.org",
            first_name="Candidat",
            last_name=str(i),
            phone="",
            title=f"Candidature {i}",
            summary="Résumé",
            sector="food",
            stage="idea",
            needs="Conseils",
            commune=place,
        )
        journey = first_contact_submit(contact=contact).journey
        Journey.objects.filter(pk=journey.pk).update(stage=JourneyStage.READY_TO_APPLY)
        application = ApplicationFlow.start.run(journey=journey)
        task_perform(
            task=app_task(application, "fill"),
            user=journey.holder.user,
            perform=lambda process: None,
        )

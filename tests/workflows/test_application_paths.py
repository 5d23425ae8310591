"""The application (stages 5 to 7) through HTTP, as the real personas: filling in with
drafts, submission, completeness and complements, eligibility and the refusal letter."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.workflows.application_helpers import (
    app_task,
    full_data,
    open_application,
    post_form,
    ready_journey,
    staff_step,
)
from workflows.models import ApplicationStatus

pytestmark = pytest.mark.django_db


def _messages(response: object) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))  # type: ignore[attr-defined]


def test_happy_path_to_eligible(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    applicant = journey.holder.user
    assert application.stage == ApplicationStatus.DRAFT
    assert (
        client.get(reverse("workflows:application_edit", args=[application.pk])).status_code == 200
    )

    response = post_form(client, applicant, application, {"social_utility": "Brouillon."}, "save")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.social_utility == "Brouillon."
    assert app_task(application, "fill").status in (STATUS.NEW, STATUS.ASSIGNED)

    response = post_form(client, applicant, application, full_data(application), "submit")
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.SUBMITTED, _messages(response)
    assert application.rule_version is not None
    assert application.rule_version.label == "Règlement 2024"
    assert application.submitted_at is not None

    client.force_login(mel_staff)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert "Cantine solidaire" in inbox
    task = app_task(application, "completeness")
    assert reverse("workflows:application_step", args=[task.pk]) in inbox
    assert client.get(reverse("workflows:application_step", args=[task.pk])).status_code == 200
    assert (
        staff_step(
            client, mel_staff, application, "completeness", {"decision": "complete"}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.COMPLETE

    page = client.get(
        reverse("workflows:application_step", args=[app_task(application, "eligibility").pk])
    )
    assert "Forme juridique éligible" in page.content.decode()
    assert (
        staff_step(
            client, mel_staff, application, "eligibility", {"decision": "eligible"}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.ELIGIBLE
    assert application.status == PROCESS.DONE
    assert (
        application.eligibility_checks.filter(passed=True).count()
        == application.eligibility_checks.count()
        > 0
    )
    assert (
        Task.objects.filter(process_id=application.pk, flow_task_type="END", status=STATUS.DONE)
        .get()
        .flow_task.name
        == "eligible"
    )

"""Deleting a first contact never converted: the journey, its project and history, its
files' bytes and, when they have nothing else, the person and their account."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import Client
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind, User
from applicants.models import Commune, Person, Project
from audit.models import AuditRecord
from documents.models import Document
from notifications.models import Notification
from privacy.anonymise import journey_delete
from privacy.models import SuspendedGrant
from tests.factories.accounts import UserFactory, make_organisation
from tests.factories.applicants import ProjectFactory
from tests.privacy.dossiers import PERSONAL
from tests.privacy.scan import where_found
from tests.steering.builders import day, dossier
from tests.workflows.conftest import act, open_task, submit_first_contact
from workflows.journey.flows import JourneyFlow
from workflows.journey.messaging import message_send
from workflows.models import Journey, JourneyEvent, StageChange

pytestmark = pytest.mark.django_db


def _orphan_file(user: User) -> Document:
    name = storages["default"].save("documents/test/piece", ContentFile(b"%PDF-1.4 Nadia"))
    return Document.objects.create(
        owner=user,
        code="statuts",
        original_name="statuts-nadia.pdf",
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
        storage_name=name,
    )


def _contact() -> Journey:
    built = dossier(first=day(0), journey=(("redirected", day(10)),))
    journey = built.journey
    JourneyEvent.objects.create(journey=journey, kind="first_contact", message="Nadia, 06 99")
    Notification.objects.create(
        recipient=journey.holder.user,
        event="first_contact",
        subject="Votre premier contact",
        body="Bonjour",
        dossier_ref=f"workflows.journey:{journey.pk}",
        key=f"test:{journey.pk}",
    )
    LogEntry.objects.create(
        user=UserFactory.create(),
        content_type=ContentType.objects.get_for_model(Project),
        object_id=str(journey.project_id),
        object_repr="Projet de Nadia",
        action_flag=CHANGE,
        change_message="Nadia a changé de téléphone",
    )
    return journey


def test_the_journey_its_project_and_the_lone_person_are_deleted(
    django_capture_on_commit_callbacks: Any,
) -> None:
    journey = _contact()
    user = journey.holder.user
    document = _orphan_file(user)
    project_id, name = journey.project_id, document.storage_name
    with django_capture_on_commit_callbacks(execute=True):
        assert journey_delete(journey=journey)
    assert not Journey.objects.filter(pk=journey.pk).exists()
    assert not Project.objects.filter(pk=project_id).exists()
    assert not StageChange.objects.filter(journey_id=journey.pk).exists()
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Notification.objects.exists()
    assert not storages["default"].exists(name)
    assert where_found([user.email, "Nadia", "statuts-nadia"]) == []
    record = AuditRecord.objects.order_by("-seq").first()
    assert record is not None
    assert user.email not in f"{record.summary} {record.after}"


def test_a_second_call_changes_nothing() -> None:
    journey = _contact()
    assert journey_delete(journey=journey)
    records = AuditRecord.objects.count()
    assert not journey_delete(journey=journey)
    assert AuditRecord.objects.count() == records


def test_a_person_with_another_project_is_kept_with_their_files() -> None:
    journey = _contact()
    person = journey.holder
    other = ProjectFactory.create(holder=person)
    document = _orphan_file(person.user)
    assert journey_delete(journey=journey)
    assert Person.objects.filter(pk=person.pk).exists()
    assert Project.objects.filter(pk=other.pk).exists()
    assert storages["default"].exists(document.storage_name)


def test_a_member_of_an_organisation_keeps_their_account() -> None:
    from accounts.services import membership_add

    journey = _contact()
    user = journey.holder.user
    membership_add(
        organisation=make_organisation("Incubateur Z", OrganisationKind.SUPPORT), user=user
    )
    assert journey_delete(journey=journey)
    assert User.objects.filter(pk=user.pk, is_active=True).exists()


def test_a_journey_with_an_application_is_not_deleted() -> None:
    built = dossier(first=day(0), journey=(("ready", day(10)),), application=(("draft", day(20)),))
    with pytest.raises(ApplicationError, match="anonymise"):
        journey_delete(journey=built.journey)
    assert Journey.objects.filter(pk=built.journey.pk).exists()


def test_a_contact_built_by_hand_without_history_is_deleted_too() -> None:
    person = ProjectFactory.create().holder
    project = ProjectFactory.create(holder=person)
    journey = Journey.objects.create(flow_class=JourneyFlow, project=project, holder=person)
    assert journey_delete(journey=journey)
    assert Person.objects.filter(pk=person.pk).exists()  # their first project stays


def test_a_contact_driven_by_the_engine_leaves_nothing_behind(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    triage: dict[str, object] = {"decision": "orient", "organisation": incubator_x.pk}
    assert act(client, mel_staff, open_task(journey, "triage"), triage).status_code == 302
    accept: dict[str, object] = {"answer": "accept"}
    assert (
        act(client, incubator_x_member, open_task(journey, "orientation"), accept).status_code
        == 302
    )
    message_send(journey=journey, author=journey.holder.user, body="Nadia Benali, 06 11 22 33 44")
    assert GroupObjectPermission.objects.filter(object_pk=str(journey.pk)).exists()
    assert journey_delete(journey=journey)
    assert not Task.objects.filter(process_id=journey.pk).exists()
    assert not GroupObjectPermission.objects.filter(object_pk=str(journey.pk)).exists()
    assert where_found(PERSONAL) == []
    call_command("verify_audit_chain", verbosity=0)


def test_deleting_the_person_forgets_the_sign_in_records_typed_with_their_address() -> None:
    from axes.models import AccessFailureLog

    journey = _contact()
    email = journey.holder.user.email
    AccessFailureLog.objects.create(username=email.upper(), ip_address="127.0.0.1", user_agent="x")
    assert journey_delete(journey=journey)
    assert not User.objects.filter(email=email).exists()
    assert not AccessFailureLog.objects.exists()


def test_access_set_aside_while_consent_was_withdrawn_goes_with_the_contact() -> None:
    """Renewing a consent later must not give back a right on an object that is gone."""
    journey = _contact()
    ProjectFactory.create(holder=journey.holder)  # the person stays, with another project
    partner = make_organisation("Incubateur mis de côté", OrganisationKind.SUPPORT)
    kept = SuspendedGrant.objects.create(
        person=journey.holder,
        group=partner.group,
        permission=Permission.objects.get(codename="view_journey"),
        content_type=ContentType.objects.get_for_model(Journey),
        object_pk=str(journey.pk),
    )
    assert journey_delete(journey=journey)
    assert Person.objects.filter(pk=journey.holder_id).exists()
    assert not SuspendedGrant.objects.filter(pk=kept.pk).exists()

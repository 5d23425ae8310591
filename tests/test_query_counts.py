"""List pages cost the same number of queries whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Project, QpvDetermination, QpvOutcome, QpvSource
from applicants.services import project_assign_support_organisation
from tests.conftest import login
from tests.factories.applicants import PersonFactory, ProjectFactory, StructureFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
# A list with filters also reads the choices of its selects once each (communes, support
# organisations, sessions, programmes; the batch form's sessions): still constant.
FILTERED_LIST_MAX_QUERIES = MAX_QUERIES + 6
SMALL, LARGE = 3, 60


def _make_projects(count: int, incubator: Organisation) -> None:
    for _ in range(count):
        person = PersonFactory.create()
        project = ProjectFactory.create(
            holder=person, structure=StructureFactory.create(holder=person)
        )
        project_assign_support_organisation(project=project, organisation=incubator)
        determination = QpvDetermination.objects.create(
            project=project, outcome=QpvOutcome.TO_VERIFY, source=QpvSource.DECLARED
        )
        Project.objects.filter(pk=project.pk).update(current_qpv=determination)


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _counts_for(
    client: Client,
    user: User,
    url: str,
    incubator: Organisation,
    django_assert_max_num_queries: Callable,
) -> tuple[int, int]:
    login(client, user)
    _make_projects(SMALL, incubator)
    _count(client, url)  # a running server's caches (content types, permission ids) filled
    small = _count(client, url)
    _make_projects(LARGE - SMALL, incubator)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = _count(client, url)
    return small, large


@pytest.mark.parametrize("url_name", ["applicants:project_list", "home"])
def test_mel_staff_pages_cost_the_same_for_3_and_60_projects(
    client: Client,
    mel_staff: User,
    incubator_x: Organisation,
    url_name: str,
    django_assert_max_num_queries: Callable,
) -> None:
    small, large = _counts_for(
        client, mel_staff, reverse(url_name), incubator_x, django_assert_max_num_queries
    )
    assert small == large


@pytest.mark.parametrize("url_name", ["applicants:project_list", "home"])
def test_incubator_pages_cost_the_same_for_3_and_60_projects(
    client: Client,
    incubator_x_member: User,
    incubator_x: Organisation,
    url_name: str,
    django_assert_max_num_queries: Callable,
) -> None:
    small, large = _counts_for(
        client, incubator_x_member, reverse(url_name), incubator_x, django_assert_max_num_queries
    )
    assert small == large


def test_qpv_queue_costs_the_same_for_3_and_60_projects(
    client: Client,
    mel_staff: User,
    incubator_x: Organisation,
    django_assert_max_num_queries: Callable,
) -> None:
    small, large = _counts_for(
        client,
        mel_staff,
        reverse("applicants:qpv_queue"),
        incubator_x,
        django_assert_max_num_queries,
    )
    assert small == large


def _make_sessions(count: int, committee: Organisation) -> None:
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from funding.models import Programme
    from reviewers.services.sessions import committee_session_create

    if not Programme.objects.exists():
        call_command("load_programme_rules", verbosity=0)
    programme = Programme.objects.get(slug="entreprendre-autrement")
    start = timezone.now() + datetime.timedelta(days=30)
    existing = committee.sessions.count()
    for i in range(existing, existing + count):
        committee_session_create(
            committee=committee,
            programme=programme,
            starts_at=start + datetime.timedelta(days=7 * i),
            place=f"Salle {i}",
        )


def test_committee_session_list_costs_the_same_for_3_and_60_sessions(
    client: Client,
    committee_member: User,
    committee: Organisation,
    django_assert_max_num_queries: Callable,
) -> None:
    login(client, committee_member)
    url = reverse("reviewers:session_list")
    client.get(url)  # warm the per-process caches (content types) before counting
    _make_sessions(SMALL, committee)
    small = _count(client, url)
    _make_sessions(LARGE - SMALL, committee)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = _count(client, url)
    assert small == large


def _make_journeys(count: int, incubator: Organisation) -> None:
    """Journeys through the real engine: half wait for triage (MEL staff's inbox), half were
    triaged to the incubator and wait for its answer (the incubator's inbox)."""
    from viewflow.workflow.models import Task

    from applicants.models import Commune
    from workflows.engine import task_perform
    from workflows.journey.flows import JourneyFlow, first_contact_submit
    from workflows.journey.services import FirstContact, journey_triage

    commune = Commune.objects.get_or_create(
        insee_code="59512", defaults={"name": "Roubaix", "epci_siren": "200093201"}
    )[0]
    staff = User.objects.get(email="chargee@mel.example.org")
    start = Project.objects.count()
    for i in range(start, start + count):
        contact = FirstContact(
            email=f"porteur{i}@example.org",
            first_name="Porteur",
            last_name=str(i),
            phone="",
            title=f"Projet {i}",
            summary="Résumé",
            sector="food",
            stage="idea",
            needs="Conseils",
            commune=commune,
        )
        journey = first_contact_submit(contact=contact).journey
        if i % 2:
            task = Task.objects.get(process_id=journey.pk, flow_task=JourneyFlow.triage)
            task_perform(
                task=task,
                user=staff,
                perform=lambda j: journey_triage(journey=j, actor=staff, organisation=incubator),
            )


@pytest.mark.parametrize("url_name", ["workflows:inbox", "workflows:journey_list"])
@pytest.mark.parametrize("persona", ["mel_staff", "incubator_x_member"])
def test_inbox_and_journey_list_cost_the_same_for_3_and_60_journeys(
    client: Client,
    request: pytest.FixtureRequest,
    mel_staff: User,
    incubator_x: Organisation,
    url_name: str,
    persona: str,
    django_assert_max_num_queries: Callable,
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)
    url = reverse(url_name)
    _make_journeys(SMALL, incubator_x)
    _count(client, url)  # a running server's caches (permission ids) filled
    small = _count(client, url)
    _make_journeys(LARGE - SMALL, incubator_x)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = _count(client, url)
    assert small == large


def test_each_inbox_holds_exactly_the_steps_its_persona_may_take(
    client: Client,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    incubator_y_member: User,
) -> None:
    _make_journeys(10, incubator_x)  # 5 wait for triage, 5 for incubator X's answer
    expected = {mel_staff: 5, incubator_x_member: 5, incubator_y_member: 0}
    for user, count in expected.items():
        login(client, user)
        assert client.get(reverse("workflows:inbox")).context["page"].paginator.count == count
        client.logout()


def _make_dossiers_for_committee_and_financier(
    count: int, committee: Organisation, financier: Organisation, staff: User
) -> None:
    """Dossiers whose scorings and funding lines are open, started by the real services."""
    from decimal import Decimal

    from funding.flows import funding_lines_start
    from reviewers.flows import scorings_start
    from reviewers.models import Deliberation, Outcome
    from tests.workflows.application_helpers import make_waiting_applications
    from tests.workflows.stage_helpers import schedule_session, set_grant_financier
    from workflows.models import Application

    set_grant_financier(financier)
    session = schedule_session(committee)
    before = set(Application.objects.values_list("pk", flat=True))
    make_waiting_applications(count)
    for application in Application.objects.exclude(pk__in=before):
        application.committee_session = session
        application.save(update_fields=["committee_session"])
        scorings_start(application=application)
        Deliberation.objects.create(
            application=application,
            session=session,
            outcome=Outcome.FAVOURABLE,
            proposed_amount=Decimal(10000),
            recorded_by=staff,
        )
        funding_lines_start(application=application)


@pytest.mark.parametrize("persona", ["committee_member", "financier_member"])
def test_committee_and_financier_inboxes_cost_the_same_for_3_and_30_dossiers(
    client: Client,
    request: pytest.FixtureRequest,
    committee: Organisation,
    financier_f: Organisation,
    mel_staff: User,
    persona: str,
    django_assert_max_num_queries: Callable,
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)
    url = reverse("workflows:inbox")
    _make_dossiers_for_committee_and_financier(SMALL, committee, financier_f, mel_staff)
    _count(client, url)  # a running server's caches filled
    small = _count(client, url)
    assert client.get(url).context["page"].paginator.count == SMALL
    _make_dossiers_for_committee_and_financier(30 - SMALL, committee, financier_f, mel_staff)
    with django_assert_max_num_queries(FILTERED_LIST_MAX_QUERIES):
        large = _count(client, url)
    assert small == large
    assert client.get(url).context["page"].paginator.count == 30


@pytest.mark.parametrize("persona", ["mel_staff", "financier_member"])
def test_application_list_costs_the_same_for_3_and_30_dossiers(
    client: Client,
    request: pytest.FixtureRequest,
    committee: Organisation,
    financier_f: Organisation,
    mel_staff: User,
    persona: str,
    django_assert_max_num_queries: Callable,
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)
    url = reverse("workflows:application_list")
    _make_dossiers_for_committee_and_financier(SMALL, committee, financier_f, mel_staff)
    _count(client, url)  # a running server's caches (permission ids) filled
    small = _count(client, url)
    _make_dossiers_for_committee_and_financier(30 - SMALL, committee, financier_f, mel_staff)
    with django_assert_max_num_queries(FILTERED_LIST_MAX_QUERIES):
        large = _count(client, url)
    assert small == large
    assert client.get(url).context["page"].paginator.count == 30


def test_application_list_shows_each_persona_only_its_dossiers(
    client: Client,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
    mel_staff: User,
    applicant_a: User,
) -> None:
    from accounts.models import OrganisationKind
    from tests.factories.accounts import make_organisation
    from tests.workflows.stage_helpers import add_member

    other_financier = add_member(
        make_organisation("Financeur G", OrganisationKind.FINANCIER), "g@financeur.example.org"
    )
    _make_dossiers_for_committee_and_financier(4, committee, financier_f, mel_staff)
    url = reverse("workflows:application_list")
    expected = {
        mel_staff: 4,
        financier_member: 4,
        other_financier: 0,
        committee_member: 0,  # members reach dossiers through their scoring only
        applicant_a: 0,
    }
    for user, count in expected.items():
        login(client, user)
        assert client.get(url).context["page"].paginator.count == count, user
    login(client, mel_staff)
    assert client.get(url, {"etape": "funding"}).context["page"].paginator.count == 0
    assert client.get(url, {"etape": "draft"}).context["page"].paginator.count == 4
    assert client.get(url, {"etape": "n'importe quoi"}).context["page"].paginator.count == 4

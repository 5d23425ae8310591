"""``demo.bulk.seed_dossiers``: the data-out benchmark's generated dossiers are coherent —
each row belongs where it says, dates follow the dossier's life, money adds up."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.services import membership_add
from applicants.models import Gender, Person, Project
from demo.bulk import seed_dossiers
from funding.models import Convention, FollowUpReport, FundingLine, LineState, Tranche
from reviewers.models import Deliberation
from workflows.models import Application, Journey, JourneyEvent, StageChange

N = 50


@pytest.fixture
def seeded(db: None) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_programme_rules", verbosity=0)
    report = seed_dossiers(count=N, seed=7, batch=20)
    assert report.dossiers == N


@pytest.mark.usefixtures("seeded")
def test_each_dossier_has_its_person_project_qpv_finding_and_journey() -> None:
    assert Journey.objects.count() == N
    assert Project.objects.count() == N
    assert Project.objects.filter(current_qpv__isnull=True).count() == 0
    assert Project.objects.filter(commune__isnull=True).count() == 0
    assert Project.objects.exclude(current_qpv__project=F("pk")).count() == 0
    assert Journey.objects.exclude(holder_id=F("project__holder_id")).count() == 0
    genders = Counter(Person.objects.values_list("gender", flat=True))
    assert set(genders) <= set(Gender.values)


@pytest.mark.usefixtures("seeded")
def test_each_application_belongs_to_its_journey_project_and_holder() -> None:
    applications = Application.objects.all()
    assert applications.exists()
    assert applications.exclude(project_id=F("source_journey__project_id")).count() == 0
    assert applications.exclude(holder_id=F("project__holder_id")).count() == 0
    assert not applications.exclude(source_journey__stage="ready").exists()
    assert not applications.filter(submitted_at__lt=F("created")).exists()
    assert not applications.filter(decided_at__lt=F("submitted_at")).exists()
    assert not applications.filter(created__lt=F("source_journey__created")).exists()


@pytest.mark.usefixtures("seeded")
def test_money_hangs_from_decided_applications_in_date_order() -> None:
    decided = Application.objects.filter(decided_at__isnull=False)
    assert Deliberation.objects.exclude(application__in=decided).count() == 0
    assert not Deliberation.objects.exclude(recorded_at=F("application__decided_at")).exists()
    lines = FundingLine.objects.all()
    assert not lines.exclude(dossier__in=decided).exists()
    # One programme grant per dossier with lines, co-financers beside it.
    grants = lines.values("dossier").annotate(n=Count("pk", filter=Q(is_programme_grant=True)))
    assert {row["n"] for row in grants} <= {1}
    assert not lines.filter(first_signed_at__lt=F("dossier__decided_at")).exists()
    assert not lines.filter(state=LineState.GRANTED, decided_amount__isnull=True).exists()
    funded = Application.objects.filter(stage__in=("convention", "follow_up", "closed"))
    assert Convention.objects.count() == funded.count()
    assert Tranche.objects.count() == 2 * funded.count()
    assert not Tranche.objects.filter(released_at__lt=F("application__decided_at")).exists()
    reports = FollowUpReport.objects.all()
    assert not reports.exclude(application__stage__in=("follow_up", "closed")).exists()
    assert not reports.filter(submitted_at__isnull=False, jobs_created_fte__isnull=True).exists()
    assert not reports.filter(submitted_at__gt=timezone.now()).exists()


@pytest.mark.usefixtures("seeded")
def test_journey_events_are_dated_in_the_order_of_the_journey() -> None:
    order = ("first_contact", "triaged", "orientation_accepted", "support_concluded")
    for journey in Journey.objects.all():
        events = dict(JourneyEvent.objects.filter(journey=journey).values_list("kind", "at"))
        dates = [events[k] for k in order if k in events]
        assert dates == sorted(dates)
        assert events["first_contact"] == journey.created


@pytest.mark.usefixtures("seeded")
def test_each_dossier_has_its_history_of_stages_ending_at_its_stage() -> None:
    """The indicators date stages by this history: generated dossiers have one too."""
    for model, key in ((Journey, "journey_id"), (Application, "application_id")):
        history: dict[int, list[tuple[object, str]]] = {}
        for owner, at, stage in StageChange.objects.filter(**{f"{key}__isnull": False}).values_list(
            key, "at", "stage"
        ):
            history.setdefault(owner, []).append((at, stage))
        for pk, stage in model.objects.values_list("pk", "stage"):
            rows = sorted(history[pk], key=lambda row: row[0])  # type: ignore[arg-type,return-value]
            assert rows[-1][1] == stage


@pytest.mark.usefixtures("seeded")
def test_financiers_see_their_lines_and_dossiers_support_organisations_their_projects() -> None:
    from accounts.models import Organisation, OrganisationKind
    from accounts.selectors import filter_visible
    from tests.factories.accounts import UserFactory

    line = (
        FundingLine.objects.filter(is_programme_grant=False).first() or FundingLine.objects.first()
    )
    assert line is not None
    financier = UserFactory.create(email="financeur@bench.example.org")
    membership_add(organisation=line.organisation, user=financier)
    lines = filter_visible(financier, FundingLine.objects.all())
    assert set(lines) == set(FundingLine.objects.filter(organisation=line.organisation))
    assert line.dossier in filter_visible(financier, Application.objects.all())

    support = Organisation.objects.filter(kind=OrganisationKind.SUPPORT).first()
    assert support is not None
    adviser = UserFactory.create(email="conseil@bench.example.org")
    membership_add(organisation=support, user=adviser)
    visible = set(filter_visible(adviser, Project.objects.all()))
    assert visible == set(Project.objects.filter(support_organisation=support))
    assert visible


def test_the_same_seed_gives_the_same_dossiers(db: None) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_programme_rules", verbosity=0)
    first = seed_dossiers(count=30, seed=3)
    second = seed_dossiers(count=30, seed=3)
    assert first.stages == second.stages

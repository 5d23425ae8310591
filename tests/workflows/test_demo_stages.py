"""The demo brings a dossier to each stage after eligibility through the real engine, so
every persona finds work waiting; the home pages show it, at a constant cost."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Organisation, User
from demo.people import DEMO_DOMAIN
from funding.flows import FundingLineFlow
from funding.models import FollowUpReport, FundingLine, LineState, Programme
from funding.services.payments import tranche_blockers
from reviewers.flows import ScoringFlow
from reviewers.models import (
    CommitteeSession,
    ConflictDeclaration,
    Deliberation,
    Outcome,
    Scoring,
    SessionStatus,
)
from workflows.application.flows import ApplicationFlow
from workflows.inbox import open_tasks_for
from workflows.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db

MAX_QUERIES = 14
SMALL, LARGE = 3, 15


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _application(local: str) -> Application:
    return Application.objects.get(holder__user__email=f"{local}@{DEMO_DOMAIN}")


def _tasks(local: str, node: object) -> int:
    return open_tasks_for(user=_user(local)).filter(flow_task=node).count()


@pytest.fixture
def demo(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())


def test_committee_members_find_a_dossier_to_score_on_the_next_session(demo: None) -> None:
    """membre.comite1 has a scoring to do; membre.comite2 scored; membre.comite3 withdrew."""
    fatou = _application("fatou")
    assert fatou.stage == ApplicationStatus.ON_AGENDA
    assert fatou.committee_session is not None
    assert fatou.committee_session.starts_at > timezone.now()
    assert _tasks("membre.comite1", ScoringFlow.score) >= 1
    scored = Scoring.objects.get(dossier=fatou, member=_user("membre.comite2"))
    assert scored.submitted_at is not None
    assert ConflictDeclaration.objects.filter(
        application=fatou, member=_user("membre.comite3")
    ).exists()
    assert not Scoring.objects.filter(dossier=fatou, member=_user("membre.comite3")).exists()


def test_financiers_find_lines_to_decide_and_to_countersign(demo: None) -> None:
    programme = Programme.objects.get(slug="entreprendre-autrement")
    assert programme.grant_financier is not None
    assert programme.grant_financier.slug == "demo-financeur-mel"
    assert _tasks("financeur.mel", FundingLineFlow.decide) >= 1
    assert _tasks("financeur.solidaire", FundingLineFlow.decide) >= 1
    assert _tasks("financeur.mel", FundingLineFlow.countersign) >= 1
    line = FundingLine.objects.get(dossier=_application("romain"))
    assert line.state == LineState.AWAITING_SECOND
    assert line.first_signer == _user("signataire.mel")
    assert line.decided_amount == Decimal("25000")


def test_applicants_and_staff_find_the_later_stages(demo: None) -> None:
    """Adjourned (to rework), advance blocked without IBAN, a report open, one closed."""
    assert _application("hugo").stage == ApplicationStatus.ADJOURNED
    assert _tasks("hugo", ApplicationFlow.improve) == 1
    aicha = _application("aicha")
    assert _tasks("charge.mission", ApplicationFlow.advance) >= 1
    assert "IBAN" in " ".join(tranche_blockers(tranche=aicha.tranches.get(position=1)))
    assert _application("kevin").stage == ApplicationStatus.FOLLOW_UP
    assert _tasks("kevin", ApplicationFlow.report) == 1
    emma = _application("emma")
    assert (emma.stage, emma.status) == (ApplicationStatus.CLOSED, STATUS.DONE)
    assert not emma.reports.filter(submitted_at__isnull=True).exists()
    held = Deliberation.objects.filter(application=emma).get().session
    assert held.status == SessionStatus.HELD
    assert held.starts_at < timezone.now()


def _counts() -> dict[str, int]:
    models = (User, Application, Scoring, FundingLine, Task, CommitteeSession, FollowUpReport)
    return {model.__name__: model.objects.count() for model in models}


def test_a_second_run_adds_nothing(demo: None) -> None:
    before = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == before


def _home_text(client: Client, local: str) -> str:
    client.force_login(_user(local))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _agenda_url(session: CommitteeSession) -> str:
    try:
        return reverse("workflows:session_agenda", args=[session.pk])
    except NoReverseMatch:  # the agenda page is not there yet: the list of sessions
        return reverse("reviewers:session_list")


def test_each_home_page_shows_the_new_work(demo: None, client: Client) -> None:
    member = _home_text(client, "membre.comite1")
    assert "<strong>1</strong> dossier à noter" in member
    session = _application("fatou").committee_session
    assert session is not None
    assert f'href="{_agenda_url(session)}"' in member
    financier = _home_text(client, "financeur.mel")
    assert "<strong>1</strong> ligne en attente de votre décision" in financier
    assert "<strong>1</strong> ligne en attente de votre seconde signature" in financier
    # The first signer does not countersign their own decision.
    assert "<strong>0</strong> ligne en attente de votre seconde signature" in _home_text(
        client, "signataire.mel"
    )
    report = _application("kevin").reports.order_by("due_on").first()
    assert report is not None
    kevin = _home_text(client, "kevin")
    assert "Prochain rapport de suivi à rendre avant le" in kevin
    staff = _home_text(client, "charge.mission")
    assert "Rapports de suivi en retard" in staff
    assert "Chez les financeurs" in staff


def test_staff_stage_counts_follow_the_dossiers(demo: None) -> None:
    from workflows.dashboards import stage_counts

    kevin = _application("kevin")
    FollowUpReport.objects.filter(application=kevin, months=6).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    counts = dict(stage_counts(user=_user("charge.mission")))
    assert counts == {
        "Inscrites à l'ordre du jour du comité": 1,
        "Chez les financeurs": 2,
        "Convention et premier versement": 1,
        "En suivi": 1,
        "Rapports de suivi en retard": 1,
    }


# Constant cost -------------------------------------------------------------------------------


def _make_dossiers(count: int, committee: Organisation, financier: Organisation) -> None:
    """Dossiers spread over the stages after eligibility, with open scorings and funding
    lines started by the real services, and late reports for those in follow-up."""
    from funding.flows import funding_lines_start
    from reviewers.flows import scorings_start
    from tests.workflows.application_helpers import make_waiting_applications
    from tests.workflows.stage_helpers import schedule_session, set_grant_financier

    set_grant_financier(financier)
    session = committee.sessions.first() or schedule_session(committee)
    staff = User.objects.get(email="chargee@mel.example.org")
    before = set(Application.objects.values_list("pk", flat=True))
    make_waiting_applications(count)
    late = timezone.localdate() - datetime.timedelta(days=3)
    for rank, application in enumerate(Application.objects.exclude(pk__in=before)):
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
        stage = [ApplicationStatus.ON_AGENDA, ApplicationStatus.FOLLOW_UP][rank % 2]
        Application.objects.filter(pk=application.pk).update(stage=stage)
        FollowUpReport.objects.create(application=application, months=6, due_on=late)


def _count(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["mel_staff", "committee_member", "financier_member"])
def test_home_pages_cost_the_same_for_3_and_15_dossiers(
    client: Client,
    request: pytest.FixtureRequest,
    committee: Organisation,
    financier_f: Organisation,
    mel_staff: User,
    persona: str,
    django_assert_max_num_queries: Callable,
) -> None:
    user = request.getfixturevalue(persona)
    client.force_login(user)
    _make_dossiers(SMALL, committee, financier_f)
    small = _count(client)
    _make_dossiers(LARGE - SMALL, committee, financier_f)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = _count(client)
    assert small == large
    if persona == "mel_staff":
        counts = dict(client.get(reverse("home")).context["stage_counts"])
        assert counts["Rapports de suivi en retard"] == LARGE
    elif persona == "committee_member":
        assert client.get(reverse("home")).context["scoring_task_count"] == LARGE
    else:
        assert client.get(reverse("home")).context["funding_tasks"]["decide"] == LARGE

"""Committee sessions: who may hold them, who sees them, and how they move on."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind, User
from funding.models import PlanAxis, Programme
from reviewers.models import CommitteeSession, SessionStatus
from reviewers.selectors import next_open_session, sessions_visible_to
from reviewers.services.sessions import committee_session_create, committee_session_set_status
from tests.factories.accounts import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db: None) -> Programme:
    axis = PlanAxis.objects.create(number=1, name="Accompagnement et financement")
    return Programme.objects.create(
        axis=axis, name="Entreprendre Autrement avec La MEL", slug="entreprendre-autrement"
    )


@pytest.fixture
def other_committee(db: None) -> Organisation:
    return make_organisation("Comité d'un autre programme", OrganisationKind.COMMITTEE)


def _at(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _session(
    committee: Organisation, programme: Programme, day: datetime.date, **extra: object
) -> CommitteeSession:
    return committee_session_create(
        committee=committee,
        programme=programme,
        starts_at=_at(day),
        place="Maison Stéphane Hessel, Lille",
        **extra,  # type: ignore[arg-type]
    )


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # permission caches live on instances


def test_a_committee_member_sees_the_sessions_of_their_committee_only(
    committee: Organisation,
    other_committee: Organisation,
    committee_member: User,
    programme: Programme,
) -> None:
    ours = _session(committee, programme, datetime.date(2026, 3, 10))
    _session(other_committee, programme, datetime.date(2026, 3, 11))
    assert list(sessions_visible_to(user=_fresh(committee_member))) == [ours]
    assert _fresh(committee_member).has_perm("reviewers.view_committeesession", ours)


def test_mel_staff_see_every_session(
    committee: Organisation, other_committee: Organisation, mel_staff: User, programme: Programme
) -> None:
    _session(committee, programme, datetime.date(2026, 3, 10))
    _session(other_committee, programme, datetime.date(2026, 3, 11))
    assert sessions_visible_to(user=_fresh(mel_staff)).count() == 2


def test_an_incubator_member_sees_no_session(
    committee: Organisation, incubator_x_member: User, programme: Programme
) -> None:
    _session(committee, programme, datetime.date(2026, 3, 10))
    assert not sessions_visible_to(user=_fresh(incubator_x_member)).exists()


def test_a_list_of_sessions_costs_the_same_queries_whatever_its_length(
    committee: Organisation, committee_member: User, programme: Programme
) -> None:
    def queries_for_list() -> int:
        user = _fresh(committee_member)
        with CaptureQueriesContext(connection) as ctx:
            rows = [(s.committee.name, s.programme.name) for s in sessions_visible_to(user=user)]
        assert rows
        return len(ctx.captured_queries)

    _session(committee, programme, datetime.date(2026, 1, 10))
    one = queries_for_list()
    for day in range(11, 16):
        _session(committee, programme, datetime.date(2026, 1, day))
    assert queries_for_list() == one


def test_an_organisation_that_is_not_a_committee_cannot_be_given_a_session(
    incubator_x: Organisation, programme: Programme
) -> None:
    with pytest.raises(ApplicationError, match="n'est pas un comité de sélection"):
        _session(incubator_x, programme, datetime.date(2026, 3, 10))
    assert not CommitteeSession.objects.exists()


def test_the_agenda_cutoff_must_come_before_the_session(
    committee: Organisation, programme: Programme
) -> None:
    with pytest.raises(ApplicationError, match="doit précéder la séance"):
        _session(
            committee,
            programme,
            datetime.date(2026, 3, 10),
            agenda_cutoff=datetime.date(2026, 3, 11),
        )


def test_a_dossier_goes_to_the_first_planned_session_whose_agenda_is_still_open(
    committee: Organisation, programme: Programme
) -> None:
    today = datetime.date(2026, 3, 1)
    _session(committee, programme, datetime.date(2026, 2, 20))  # already past
    _session(  # cut-off passed
        committee, programme, datetime.date(2026, 3, 5), agenda_cutoff=datetime.date(2026, 2, 25)
    )
    cancelled = _session(committee, programme, datetime.date(2026, 3, 20))
    committee_session_set_status(session=cancelled, status=SessionStatus.CANCELLED)
    expected = _session(
        committee, programme, datetime.date(2026, 6, 10), agenda_cutoff=datetime.date(2026, 5, 20)
    )
    _session(committee, programme, datetime.date(2026, 9, 10))
    assert next_open_session(programme=programme, on_date=today) == expected


def test_there_is_no_open_session_when_none_is_scheduled(programme: Programme) -> None:
    assert next_open_session(programme=programme, on_date=datetime.date(2026, 3, 1)) is None


def test_a_session_moves_from_planned_to_agenda_closed_to_held(
    committee: Organisation, programme: Programme
) -> None:
    session = _session(committee, programme, timezone.localdate() - datetime.timedelta(days=1))
    committee_session_set_status(session=session, status=SessionStatus.AGENDA_CLOSED)
    committee_session_set_status(session=session, status=SessionStatus.HELD)
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_a_held_session_cannot_be_reopened(committee: Organisation, programme: Programme) -> None:
    session = _session(committee, programme, timezone.localdate() - datetime.timedelta(days=1))
    committee_session_set_status(session=session, status=SessionStatus.AGENDA_CLOSED)
    committee_session_set_status(session=session, status=SessionStatus.HELD)
    with pytest.raises(ApplicationError, match="« Tenue » ne peut pas passer à « Programmée »"):
        committee_session_set_status(session=session, status=SessionStatus.PLANNED)


def test_a_future_session_cannot_be_declared_held(
    committee: Organisation, programme: Programme
) -> None:
    session = _session(committee, programme, timezone.localdate() + datetime.timedelta(days=7))
    committee_session_set_status(session=session, status=SessionStatus.AGENDA_CLOSED)
    with pytest.raises(ApplicationError, match="qu'une fois commencée"):
        committee_session_set_status(session=session, status=SessionStatus.HELD)

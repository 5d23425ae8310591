"""Committee sessions: scheduling them and moving them through their statuses.

A session is visible to its committee because the committee's group is granted ``view`` on
it when it is created (``accounts.services.access_grant``); members come and go without any
per-member row.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind
from accounts.services import access_grant
from funding.models import Programme
from reviewers.models import CommitteeSession, SessionStatus

# Which statuses a session may move to. "Held" and "cancelled" are final: the minutes and
# the dossiers' history refer to them.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    SessionStatus.PLANNED: frozenset({SessionStatus.AGENDA_CLOSED, SessionStatus.CANCELLED}),
    SessionStatus.AGENDA_CLOSED: frozenset(
        {SessionStatus.PLANNED, SessionStatus.HELD, SessionStatus.CANCELLED}
    ),
    SessionStatus.HELD: frozenset(),
    SessionStatus.CANCELLED: frozenset(),
}


def committee_session_check(
    *,
    committee: Organisation,
    starts_at: datetime.datetime,
    agenda_cutoff: datetime.date | None,
) -> None:
    """Raise ``ApplicationError`` if a session with these values would break a rule.

    Shared by ``committee_session_create`` and the admin form, which shows the message on
    the field instead of failing.
    """
    if committee.kind != OrganisationKind.COMMITTEE:
        raise ApplicationError(
            f"« {committee} » n'est pas un comité de sélection : seule une organisation de "
            "type « Comité de sélection » peut tenir une séance.",
            field="committee",
        )
    if agenda_cutoff and agenda_cutoff > timezone.localdate(starts_at):
        raise ApplicationError(
            "La date limite d'inscription à l'ordre du jour doit précéder la séance.",
            field="agenda_cutoff",
        )


@transaction.atomic
def committee_session_create(
    *,
    committee: Organisation,
    programme: Programme,
    starts_at: datetime.datetime,
    place: str,
    agenda_cutoff: datetime.date | None = None,
) -> CommitteeSession:
    """Schedule a session of ``committee`` and let the committee's members see it."""
    committee_session_check(committee=committee, starts_at=starts_at, agenda_cutoff=agenda_cutoff)
    session = CommitteeSession(
        committee=committee,
        programme=programme,
        starts_at=starts_at,
        place=place,
        agenda_cutoff=agenda_cutoff,
    )
    session.full_clean()
    session.save()
    access_grant(organisation=committee, obj=session)
    return session


def committee_session_status_check(
    *, session: CommitteeSession, status: SessionStatus | str
) -> None:
    """Raise ``ApplicationError`` if ``session`` may not move to ``status`` now."""
    current = SessionStatus(session.status)
    target = SessionStatus(status)
    if target == current:
        return
    if target not in NEXT_STATUSES[current]:
        raise ApplicationError(
            f"Une séance « {current.label} » ne peut pas passer à « {target.label} ».",
            field="status",
        )
    if target == SessionStatus.HELD and session.starts_at > timezone.now():
        raise ApplicationError(
            "Une séance ne peut être déclarée tenue qu'une fois commencée.", field="status"
        )


@transaction.atomic
def committee_session_set_status(
    *, session: CommitteeSession, status: SessionStatus | str
) -> CommitteeSession:
    """Move a session to ``status`` (agenda closed, held, cancelled…) if the move is allowed.

    A cancelled or held session stays visible to its committee: it is part of the history.
    """
    committee_session_status_check(session=session, status=status)
    if session.status != status:
        session.status = SessionStatus(status)
        session.save(update_fields=["status"])
    return session

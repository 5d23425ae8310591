"""P3 — guardian rows created for one dossier over its whole life, supported by an
organisation of 1 member and of 50. Target: the same count (ratio 1.0), ≤ 8 rows.

Grants go to the organisation's group, never to each member: the count must not follow the
organisation's size."""

from __future__ import annotations

from django.db import transaction
from guardian.models import GroupObjectPermission, UserObjectPermission

from accounts.models import OrganisationKind, User
from accounts.services import membership_add, organisation_create

from . import lifecycle
from .context import BenchContext
from .report import Figure

MAX_ROWS = 8


class _Rollback(Exception):
    pass


def _guardian_rows() -> int:
    return UserObjectPermission.objects.count() + GroupObjectPermission.objects.count()


def _rows_for_life(members: int) -> int:
    """Guardian rows written while a dossier lives its whole life; all rolled back."""
    created = 0
    try:
        with transaction.atomic():
            organisation = organisation_create(
                name=f"Structure du banc ({members} membres)", kind=OrganisationKind.SUPPORT
            )
            for i in range(members):
                user = User.objects.create_user(email=f"p3-{members}-{i}@bench.invalid")
                membership_add(organisation=organisation, user=user)
            # The session's own grant (to its committee) is not the dossier's: made first.
            session = lifecycle.session_starting_soon()
            before = _guardian_rows()
            lifecycle.whole_life(label=f"p3-{members}", organisation=organisation, session=session)
            created = _guardian_rows() - before
            raise _Rollback
    except _Rollback:
        pass
    return created


def baseline(ctx: BenchContext) -> list[Figure]:
    one, fifty = _rows_for_life(1), _rows_for_life(50)
    ratio = fifty / one if one else float("inf")
    return [
        Figure(
            id="P3",
            name="lignes guardian créées par dossier sur toute sa vie, structure de 1 / 50 membres",
            value=f"{one} / {fifty} (rapport {ratio:.2f})",
            target=f"rapport 1,0, ≤ {MAX_ROWS}",
            passed=ratio == 1.0 and max(one, fifty) <= MAX_ROWS,
            size=ctx.size,
            detail={"1 membre": one, "50 membres": fifty},
        )
    ]

"""Reads of the kept indicators: one row, whatever the number of dossiers."""

from __future__ import annotations

from typing import Any

from accounts.models import OrganisationKind
from accounts.selectors import user_organisation_ids
from funding.models import PlanAxis, Programme
from steering.indicators.types import Period
from steering.models import IndicatorSnapshot
from steering.services import scope_key


def snapshot_for(
    period: Period, *, axis: PlanAxis | None = None, programme: Programme | None = None
) -> IndicatorSnapshot | None:
    return IndicatorSnapshot.objects.filter(
        period_start=period.start,
        period_end=period.end,
        scope=scope_key(axis=axis, programme=programme),
    ).first()


# Who may choose any period and scope. Two overlapping periods (4-5 Jan vs 5 Jan) or the
# plan and one axis (plan - axis 1 = axis 2) differ by a few dossiers: the difference of
# two published figures describes them, below the small-cell threshold. Readers who do not
# see the dossiers themselves (the Comité, the lab) get the cells of one partition only:
# whole semesters (each dossier's cohort falls in exactly one) of the whole plan. MEL staff
# see every dossier anyway: any dates, years, axis and programme.
RESTRICTED_PERIODS = (
    "Les dates libres, les années, les axes et les programmes sont réservés à l'équipe de la "
    "MEL : choisissez un semestre entier, pour tout le plan."
)


def may_choose_any_period(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(
        user_organisation_ids(user, OrganisationKind.MEL_TEAM)
    )


def is_whole_semester(period: Period) -> bool:
    return Period.semester_of(period.start) == period

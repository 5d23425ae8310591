"""``seed_demo --scale N``: grow the demo into a deterministic load and benchmark dataset.

The model of growth (docs/performance.md explains it for sizing):

- A *territory* is one metropolis' worth of the programme: its support organisations (of 1 to
  13 members), its selection committee with its sessions, and ``DOSSIERS_PER_TERRITORY``
  dossiers, of which ``IN_FLIGHT_SHARE`` are under way (every stage from first contact to
  the follow-up reports, as in the demo) and the rest finished (closed after their reports,
  redirected at triage, support ended), their dates spread over the last five years.
- Growing past one territory adds whole territories, as a region joining would. MEL staff,
  financiers and the steering committee are shared by all territories: their lists grow
  with N, which is what the benchmarks must show they survive.

Every dossier is a copy of one the real engine wrote (``demo.stamping``), so the rows
have the shapes, task histories and grants the engine gives, and can be carried on.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import MembershipRole, Organisation, OrganisationKind, User
from accounts.services import membership_add
from demo.entrepreneurs import ENTREPRENEURS
from demo.people import DEMO_DOMAIN
from demo.stamping import stamp
from workflows.models import Journey

DOSSIERS_PER_TERRITORY = 1000
IN_FLIGHT_SHARE = 0.15
FINISHED_TEMPLATES = ("emma", "yanis", "pierre")  # closed, redirected, support ended
TERRITORY_KINDS = (OrganisationKind.SUPPORT, OrganisationKind.COMMITTEE)
TERRITORY_MARK = r"^t[0-9]+-[0-9]+\."
HISTORY_DAYS = (30, 5 * 365)


@dataclass
class ScaleReport:
    dossiers: int = 0
    territories: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, written: dict[str, int]) -> None:
        for table, count in written.items():
            self.rows[table] = self.rows.get(table, 0) + count


def seed_scale(
    *, count: int, seed: int = 2026, per_territory: int = DOSSIERS_PER_TERRITORY
) -> ScaleReport:
    """Add about ``count`` dossiers (rounded to whole copies of the demo's), always the same
    ones for the same seed and starting point. Run after ``seed_demo``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    report = ScaleReport()
    total = Journey.objects.count() + count
    territories = max(1, round(total / per_territory))
    _grow_organisations(rng)
    _fill_base_territory(rng, total if territories == 1 else per_territory, report)
    _add_territories(territories, report)
    report.dossiers = Journey.objects.count()
    report.territories = _territory_count()
    return report


def _demo_user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _base_holders() -> list[int]:
    """Holders of the first territory: the demo's and their history copies."""
    return list(
        Journey.objects.exclude(holder__user__email__regex=TERRITORY_MARK).values_list(
            "holder__user_id", flat=True
        )
    )


def _base_organisations() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind__in=TERRITORY_KINDS, slug__startswith="demo-")
        .exclude(slug__regex=r"-t[0-9]+-[0-9]+$")
        .order_by("pk")
    )


def _territory_count() -> int:
    return Organisation.objects.filter(kind=OrganisationKind.COMMITTEE).count()


@transaction.atomic
def _grow_organisations(rng: random.Random) -> None:
    """Give each support organisation of the first territory a realistic team (1 to 13
    members, the demo's lead included), once."""
    password = make_password(None)  # unusable: these members never log in
    for organisation in _base_organisations():
        if organisation.kind != OrganisationKind.SUPPORT:
            continue
        extra = rng.randint(0, 12)
        if organisation.members.filter(email__endswith=".scale.invalid").exists():
            continue
        for i in range(extra):
            user = User.objects.create(
                email=f"membre-{i + 1}@{organisation.slug}.scale.invalid",
                password=password,
                first_name="Membre",
                last_name=f"{i + 1}",
            )
            membership_add(organisation=organisation, user=user, role=MembershipRole.MEMBER)


def _fill_base_territory(rng: random.Random, target: int, report: ScaleReport) -> None:
    need = target - len(_base_holders())
    if need <= 0:
        return
    finished = [_demo_user(local).pk for local in FINISHED_TEMPLATES]
    in_flight = [_demo_user(row[0]).pk for row in ENTREPRENEURS if row[0] not in FINISHED_TEMPLATES]
    in_flight_copies = round(need * IN_FLIGHT_SHARE / len(in_flight))
    finished_copies = math.ceil(max(0, need - in_flight_copies * len(in_flight)) / len(finished))
    run = User.objects.order_by("-pk").values_list("pk", flat=True).first()
    report.add(
        stamp(roots={User: in_flight}, copies=in_flight_copies, mark=lambda k: f"f{run}-{k}")
    )
    days = [datetime.timedelta(days=rng.randint(*HISTORY_DAYS)) for _ in range(finished_copies)]
    report.add(
        stamp(
            roots={User: finished},
            copies=finished_copies,
            mark=lambda k: f"h{run}-{k}",
            shift=lambda k: days[k],
        )
    )


def _add_territories(territories: int, report: ScaleReport) -> None:
    missing = territories - _territory_count()
    if missing <= 0:
        return
    organisations = _base_organisations()
    members = User.objects.filter(memberships__organisation__in=organisations).values_list(
        "pk", flat=True
    )
    run = User.objects.order_by("-pk").values_list("pk", flat=True).first()
    report.add(
        stamp(
            roots={
                Organisation: [o.pk for o in organisations],
                Group: [o.group_id for o in organisations],
                User: [*members, *_base_holders()],
            },
            copies=missing,
            mark=lambda k: f"t{run}-{k}",
        )
    )

"""What generated dossiers point at: communes and their QPV, legal forms, the programme and
its rules, support organisations, financiers, the committee and its sessions, a MEL staff
member who records decisions. Read once per run; what is missing is created (a test
database has the reference data but no demo)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import MembershipRole, Organisation, OrganisationKind, User
from accounts.services import membership_add, organisation_create
from applicants.models import Commune, LegalForm, QpvArea
from funding.models import CallRuleVersion, Programme
from reviewers.models import CommitteeSession, SessionStatus

PROGRAMME = "entreprendre-autrement"
SESSION_PLACE = "Séance générée (banc d'essai)"
SESSION_EVERY_DAYS = 30
SESSIONS_AHEAD = 3
BENCH_DOMAIN = "bench.invalid"


@dataclass
class Place:
    insee: str
    postal_code: str
    weight: int
    qpv: list[tuple[int, str, str, int]]  # (pk, code, name, generation)


@dataclass
class Reference:
    places: list[Place]
    legal_forms: list[str]
    rules: list[tuple[datetime.date, int]]  # (valid_from, pk), oldest first
    supports: list[int]
    grant_financier: int
    co_financiers: list[int]
    sessions: list[tuple[int, datetime.datetime]]  # (pk, starts_at), in order
    staff: int
    password: str

    def rule_at(self, day: datetime.date) -> int:
        found = [pk for start, pk in self.rules if start <= day]
        return found[-1] if found else self.rules[0][1]


def load(*, history_days: int) -> Reference:
    communes = list(Commune.objects.in_mel().order_by("insee_code"))
    if not communes:
        raise RuntimeError("Chargez d'abord les communes : manage.py load_territory")
    programme = Programme.objects.filter(slug=PROGRAMME).first()
    if programme is None:
        raise RuntimeError("Chargez d'abord le règlement : manage.py load_programme_rules")
    return Reference(
        places=_places(communes),
        legal_forms=list(LegalForm.objects.values_list("code", flat=True)),
        rules=list(
            CallRuleVersion.objects.filter(programme=programme)
            .order_by("valid_from")
            .values_list("valid_from", "pk")
        ),
        supports=_organisations(OrganisationKind.SUPPORT, 3),
        grant_financier=_grant_financier(programme),
        co_financiers=[
            pk
            for pk in _organisations(OrganisationKind.FINANCIER, 2)
            if pk != programme.grant_financier_id
        ],
        sessions=_sessions(programme, history_days),
        staff=_staff(),
        password=make_password(None),
    )


def _places(communes: list[Commune]) -> list[Place]:
    qpv: dict[str, list[tuple[int, str, str, int]]] = {}
    for area in QpvArea.objects.prefetch_related("communes").order_by("-generation", "code"):
        for commune in area.communes.all():
            qpv.setdefault(commune.insee_code, []).append(
                (area.pk, area.code, area.name, area.generation)
            )
    return [
        Place(
            insee=c.insee_code,
            postal_code=(c.postal_code_list() or ["59000"])[0],
            # Dossiers come from where people live: weighted by population (Lille first).
            weight=max(1, (c.population or 5000) // 1000),
            qpv=qpv.get(c.insee_code, []),
        )
        for c in communes
    ]


def _organisations(kind: str, at_least: int) -> list[int]:
    found = list(
        Organisation.objects.filter(kind=kind, is_active=True).values_list("pk", flat=True)
    )
    for n in range(len(found), at_least):
        found.append(
            organisation_create(
                name=f"{OrganisationKind(kind).label} {n + 1} (banc d'essai)", kind=kind
            ).pk
        )
    return found


def _grant_financier(programme: Programme) -> int:
    if programme.grant_financier_id is None:
        programme.grant_financier_id = _organisations(OrganisationKind.FINANCIER, 1)[0]
        programme.save(update_fields=["grant_financier"])
    return int(programme.grant_financier_id)


def _sessions(programme: Programme, history_days: int) -> list[tuple[int, datetime.datetime]]:
    """A session every month over the history and a few ahead, made once."""
    existing = CommitteeSession.objects.filter(place=SESSION_PLACE).order_by("starts_at")
    if not existing.exists():
        committee = _organisations(OrganisationKind.COMMITTEE, 1)[0]
        now = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0)
        first = now - datetime.timedelta(days=history_days)
        count = history_days // SESSION_EVERY_DAYS + SESSIONS_AHEAD
        days = [first + datetime.timedelta(days=SESSION_EVERY_DAYS * k) for k in range(count)]
        CommitteeSession.objects.bulk_create(
            CommitteeSession(
                committee_id=committee,
                programme=programme,
                starts_at=day,
                place=SESSION_PLACE,
                agenda_cutoff=(day - datetime.timedelta(days=10)).date(),
                status=SessionStatus.HELD if day < now else SessionStatus.PLANNED,
            )
            for day in days
        )
    return list(existing.values_list("pk", "starts_at"))


def _staff() -> int:
    member = (
        User.objects.filter(memberships__organisation__kind=OrganisationKind.MEL_TEAM)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if member is not None:
        return int(member)
    team = _organisations(OrganisationKind.MEL_TEAM, 1)[0]
    user = User.objects.create_user(f"equipe@{BENCH_DOMAIN}", None, first_name="Équipe")
    membership_add(
        organisation=Organisation.objects.get(pk=team), user=user, role=MembershipRole.LEAD
    )
    return user.pk

"""What happens to each generated dossier, and when: pure Python, no database.

A dossier's fate is drawn first (redirected at triage, support ended, ready to apply, then
ineligible, rejected, adjourned, funded…), then its milestones are dated one after the other
from its first contact, spread over ``HISTORY_DAYS``. A milestone still in the future has not
happened: the dossier stays at the last one reached, so recent dossiers are under way and old
ones finished, as on a platform that has run for four years.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

HISTORY_DAYS = 4 * 365
# Shares of the funnel (drawn independently at each step).
REDIRECTED = 0.15
SUPPORT_OUTCOMES = (("ready", 0.55), ("ended", 0.38), ("withdrawn", 0.07))
NOT_SUBMITTED = 0.05
INCOMPLETE_LEFT = 0.04
INELIGIBLE = 0.12
OUTCOMES = (
    ("favourable", 0.55),
    ("with_conditions", 0.15),
    ("adjourned", 0.12),
    ("unfavourable", 0.18),
)
NOT_FUNDED = 0.08
REPORT_MONTHS = (6, 12, 36)
REPORT_MISSED = 0.1  # a due report never handed in
CO_FINANCIERS = (0, 0, 1, 1, 1, 2)  # how many besides the programme grant


@dataclass
class Report:
    months: int
    due_on: datetime.date
    submitted_at: datetime.datetime | None
    jobs_created: Decimal
    jobs_kept: Decimal
    qpv_hired: int
    turnover: Decimal
    beneficiaries: int
    still_active: bool


@dataclass
class Line:
    financier: int  # index among the co-financiers; -1: the programme grant
    instrument: str
    proposed: Decimal
    decided: Decimal | None
    state: str
    signed_at: datetime.datetime | None


@dataclass
class Plan:
    """One dossier: its journey, then (when ready) its application and money."""

    contact: datetime.datetime
    journey_stage: str = "triage"
    conclusion: str = ""
    triaged: datetime.datetime | None = None
    supported: datetime.datetime | None = None
    concluded: datetime.datetime | None = None
    # The application, when the support concluded "ready".
    app_stage: str = ""
    app_created: datetime.datetime | None = None
    submitted: datetime.datetime | None = None
    session: int | None = None  # index of the committee session
    decided: datetime.datetime | None = None
    outcome: str = ""
    requested: Decimal = Decimal(0)
    budget: Decimal = Decimal(0)
    proposed: Decimal | None = None
    lines: list[Line] = field(default_factory=list)
    convention_signed: datetime.date | None = None
    advance_at: datetime.datetime | None = None
    balance_at: datetime.datetime | None = None
    reports: list[Report] = field(default_factory=list)
    closed: datetime.datetime | None = None


def _pick(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    x, total = rng.random(), 0.0
    for name, share in shares:
        total += share
        if x < total:
            return name
    return shares[-1][0]


def _after(when: datetime.datetime, rng: random.Random, low: int, high: int) -> datetime.datetime:
    return when + datetime.timedelta(days=rng.randint(low, high), minutes=rng.randint(0, 600))


def _amount(rng: random.Random, low: int, high: int, step: int = 500) -> Decimal:
    return Decimal(rng.randrange(low, high + 1, step))


def draw(rng: random.Random, now: datetime.datetime, sessions: list[datetime.datetime]) -> Plan:
    """One dossier's plan; ``sessions`` are the committee's dates, in order."""
    plan = Plan(contact=now - datetime.timedelta(days=rng.uniform(2, HISTORY_DAYS)))
    plan.triaged = _after(plan.contact, rng, 1, 12)
    if plan.triaged > now:
        plan.triaged = None
        return plan
    if rng.random() < REDIRECTED:
        plan.journey_stage = "redirected"
        return plan
    plan.journey_stage = "orientation"
    plan.supported = _after(plan.triaged, rng, 2, 20)
    if plan.supported > now:
        plan.supported = None
        return plan
    plan.journey_stage = "support"
    concluded = _after(plan.supported, rng, 45, 240)
    if concluded > now:
        return plan
    plan.concluded = concluded
    fate = _pick(rng, SUPPORT_OUTCOMES)
    if fate != "ready":
        plan.journey_stage = "support_ended" if fate == "ended" else "withdrawn"
        plan.conclusion = "abandoned" if fate == "ended" else ""
        return plan
    plan.journey_stage, plan.conclusion = "ready", "ready"
    _application(plan, rng, now, sessions)
    return plan


def _application(
    plan: Plan, rng: random.Random, now: datetime.datetime, sessions: list[datetime.datetime]
) -> None:
    assert plan.concluded is not None  # noqa: S101 - only ready journeys apply
    plan.app_stage, plan.app_created = "draft", _after(plan.concluded, rng, 0, 20)
    plan.requested = _amount(rng, 5000, 40000)
    plan.budget = plan.requested * rng.randint(3, 8)
    submitted = _after(plan.app_created, rng, 5, 45)
    if submitted > now or rng.random() < NOT_SUBMITTED:
        plan.app_created = min(plan.app_created, now)
        return
    plan.submitted, plan.app_stage = submitted, "submitted"
    checked = _after(submitted, rng, 3, 30)
    if checked > now:
        return
    if rng.random() < INCOMPLETE_LEFT:
        plan.app_stage = "incomplete"
        return
    if rng.random() < INELIGIBLE:
        plan.app_stage = "ineligible"
        return
    plan.app_stage = "eligible"
    later = [i for i, day in enumerate(sessions) if day > checked + datetime.timedelta(days=10)]
    if not later:
        return
    plan.session = later[0]
    decided = sessions[plan.session]
    if decided > now:
        plan.app_stage = "on_agenda"
        return
    plan.decided, plan.outcome = decided, _pick(rng, OUTCOMES)
    if plan.outcome == "adjourned":
        plan.app_stage = "adjourned"
        return
    if plan.outcome == "unfavourable":
        plan.app_stage = "rejected"
        return
    plan.proposed = min(plan.requested, _amount(rng, 5000, 40000))
    _money(plan, rng, now)


def _money(plan: Plan, rng: random.Random, now: datetime.datetime) -> None:
    assert plan.decided is not None  # noqa: S101
    assert plan.proposed is not None  # noqa: S101
    plan.app_stage = "funding"
    signed = _after(plan.decided, rng, 10, 60)
    done = signed <= now
    refused = rng.random() < NOT_FUNDED
    grant_state = ("declined" if refused else "granted") if done else "pending"
    instrument = "SUBV_INVEST" if rng.random() < 0.3 else "SUBV_FONCT"
    decided = plan.proposed if grant_state == "granted" else None
    plan.lines.append(
        Line(-1, instrument, plan.proposed, decided, grant_state, signed if done else None)
    )
    for k in range(rng.choice(CO_FINANCIERS)):
        amount = _amount(rng, 2000, 30000)
        state = rng.choice(("granted", "granted", "declined")) if done else "pending"
        instrument = rng.choice(("PRET_HONNEUR", "PRET_SOLIDAIRE", "PRET_BANCAIRE", "SUBV_FONCT"))
        plan.lines.append(
            Line(
                k,
                instrument,
                amount,
                amount if state == "granted" else None,
                state,
                signed if done else None,
            )
        )
    if not done:
        return
    if refused:
        plan.app_stage = "not_funded"
        return
    plan.app_stage = "convention"
    convention = _after(signed, rng, 7, 40)
    if convention > now:
        return
    plan.convention_signed = convention.date()
    advance = _after(convention, rng, 5, 30)
    if advance > now:
        return
    plan.advance_at, plan.app_stage = advance, "follow_up"
    _reports(plan, rng, now)


def _reports(plan: Plan, rng: random.Random, now: datetime.datetime) -> None:
    assert plan.decided is not None  # noqa: S101
    assert plan.proposed is not None  # noqa: S101
    active, jobs = True, Decimal(rng.randint(0, 6)) / 2
    for months in REPORT_MONTHS:
        due = (plan.decided + datetime.timedelta(days=round(months * 30.44))).date()
        handed = _after(datetime.datetime.combine(due, plan.decided.timetz()), rng, -20, 25)
        submitted = handed if handed <= now and rng.random() > REPORT_MISSED else None
        active = active and rng.random() > (0.06 if months < 36 else 0.15)
        jobs = jobs + Decimal(rng.randint(0, 4)) / 2 if active else Decimal(0)
        plan.reports.append(
            Report(
                months=months,
                due_on=due,
                submitted_at=submitted,
                jobs_created=jobs,
                jobs_kept=(jobs * Decimal("0.8")).quantize(Decimal("0.01")),
                qpv_hired=rng.randint(0, int(jobs)),
                turnover=_amount(rng, 0, 400000, 1000) if active else Decimal(0),
                beneficiaries=rng.randint(0, 300),
                still_active=active,
            )
        )
    last = plan.reports[-1]
    if last.submitted_at is not None:
        plan.balance_at = _after(last.submitted_at, rng, 5, 40)
        if plan.balance_at <= now:
            plan.app_stage, plan.closed = "closed", plan.balance_at
        else:
            plan.balance_at = None

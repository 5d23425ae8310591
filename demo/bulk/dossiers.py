"""A batch's journeys (with their orientation and timeline) and applications (with the
committee's deliberation)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from viewflow.workflow.status import PROCESS

from applicants.models import Person, Project
from reviewers.models import Deliberation
from workflows.application.flows import ApplicationFlow
from workflows.journey.flows import JourneyFlow
from workflows.models import (
    Application,
    EventKind,
    Journey,
    JourneyEvent,
    Orientation,
    OrientationOutcome,
)

from .plan import Plan
from .reference import Reference
from .writer import insert

JOURNEY_DONE = {"redirected", "support_ended", "withdrawn", "ready"}
APPLICATION_DONE = {"ineligible", "rejected", "not_funded", "closed"}


def journeys(
    plans: list[Plan],
    persons: list[Person],
    projects: list[Project],
    ref: Reference,
    rng: random.Random,
) -> list[Journey]:
    rows = insert(
        Journey,
        [
            Journey(
                flow_class=JourneyFlow,
                status=PROCESS.DONE if plan.journey_stage in JOURNEY_DONE else PROCESS.NEW,
                created=plan.contact,
                finished=_journey_end(plan),
                project_id=project.pk,
                holder_id=person.pk,
                stage=plan.journey_stage,
                needs="Besoin d'accompagnement et de financement.",
                proposed_organisation_id=project.support_organisation_id
                or (rng.choice(ref.supports) if plan.journey_stage == "orientation" else None),
                conclusion=plan.conclusion,
                redirect_reason="Hors champ du programme."
                if plan.journey_stage == "redirected"
                else "",
                last_support_activity=plan.concluded or plan.supported,
                recommended_amount=plan.requested if plan.conclusion == "ready" else None,
            )
            for plan, person, project in zip(plans, persons, projects, strict=True)
        ],
    )
    oriented = [o for j, p in zip(rows, plans, strict=True) for o in _orientation(j, p, ref)]
    insert(Orientation, oriented, keys=False)
    events = [e for j, p in zip(rows, plans, strict=True) for e in _events(j, p, ref)]
    insert(JourneyEvent, events, keys=False)
    return list(rows)


def _journey_end(plan: Plan) -> datetime.datetime | None:
    if plan.journey_stage == "redirected":
        return plan.triaged
    return plan.concluded if plan.journey_stage in JOURNEY_DONE else None


def _orientation(journey: Journey, plan: Plan, ref: Reference) -> list[Orientation]:
    if plan.journey_stage in ("triage", "redirected") or plan.triaged is None:
        return []
    accepted = plan.supported is not None
    return [
        Orientation(
            journey_id=journey.pk,
            organisation_id=journey.proposed_organisation_id,
            outcome=OrientationOutcome.ACCEPTED if accepted else OrientationOutcome.PENDING,
            proposed_at=plan.triaged,
            proposed_by_id=ref.staff,
            decided_at=plan.supported,
        )
    ]


def _events(journey: Journey, plan: Plan, ref: Reference) -> list[JourneyEvent]:
    """The milestones the indicators date stages by."""
    ending = {
        "redirected": (EventKind.REDIRECTED, plan.triaged),
        "withdrawn": (EventKind.WITHDRAWN, plan.concluded),
    }
    moments = [
        (EventKind.FIRST_CONTACT, plan.contact, None),
        (EventKind.TRIAGED, plan.triaged, ref.staff),
        (EventKind.ORIENTATION_ACCEPTED, plan.supported, None),
        (EventKind.SUPPORT_CONCLUDED, plan.concluded if plan.conclusion else None, None),
    ]
    if plan.journey_stage in ending:
        kind, at = ending[plan.journey_stage]
        moments.append((kind, at, None))
    return [
        JourneyEvent(
            journey_id=journey.pk, kind=kind, message=str(kind.label), actor_id=actor, at=at
        )
        for kind, at, actor in moments
        if at is not None
    ]


def applications(
    plans: list[Plan], journeys_: list[Journey], ref: Reference, rng: random.Random
) -> list[tuple[Plan, Application]]:
    """The applications of the batch's ready journeys, paired with their plan."""
    pairs = [(p, j) for p, j in zip(plans, journeys_, strict=True) if p.app_created is not None]
    rows = insert(Application, [_application(p, j, ref, rng) for p, j in pairs])
    found = [(p, a) for (p, _), a in zip(pairs, rows, strict=True)]
    decided = [_deliberation(p, a, ref, rng) for p, a in found if p.decided]
    insert(Deliberation, decided, keys=False)
    return found


def _application(plan: Plan, journey: Journey, ref: Reference, rng: random.Random) -> Application:
    assert plan.app_created is not None  # noqa: S101 - only plans with an application
    done = plan.app_stage in APPLICATION_DONE
    return Application(
        flow_class=ApplicationFlow,
        status=PROCESS.DONE if done else PROCESS.NEW,
        created=plan.app_created,
        finished=(plan.closed or plan.decided or plan.submitted) if done else None,
        source_journey_id=journey.pk,
        project_id=journey.project_id,
        holder_id=journey.holder_id,
        rule_version_id=ref.rule_at((plan.submitted or plan.app_created).date()),
        stage=plan.app_stage,
        axis=rng.choice(("startup", "development")),
        requested_amount=plan.requested,
        total_budget=plan.budget,
        jobs_planned_fte=Decimal(rng.randint(1, 12)) / 2,
        social_utility="Utilité sociale décrite par le porteur.",
        submitted_at=plan.submitted,
        committee_session_id=ref.sessions[plan.session][0] if plan.session is not None else None,
        decided_at=plan.decided,
        conditions_met_at=_conditions_met(plan),
    )


def _conditions_met(plan: Plan) -> datetime.datetime | None:
    if plan.decided is None or plan.outcome != "with_conditions" or not plan.convention_signed:
        return None
    return plan.decided + datetime.timedelta(days=20)


def _deliberation(
    plan: Plan, application: Application, ref: Reference, rng: random.Random
) -> Deliberation:
    assert plan.session is not None  # noqa: S101
    assert plan.decided is not None  # noqa: S101
    return Deliberation(
        application_id=application.pk,
        session_id=ref.sessions[plan.session][0],
        outcome=plan.outcome,
        proposed_amount=plan.proposed,
        reasons="Avis motivé du comité.",
        average_score=Decimal(rng.randint(3000, 9500)) / 100,
        scorings_submitted=rng.randint(3, 5),
        members_withdrawn=rng.choice((0, 0, 0, 1)),
        recorded_by_id=ref.staff,
        recorded_at=plan.decided,
    )

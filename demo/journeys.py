"""A demo journey driven through the real engine from first contact to the stage it shows,
each step on its own day (``demo.clock``): first contact, triage two days later, orientation
accepted three days after, a first support session ten days on, and the support concluded
about seven weeks after it began, before the 60-day check-in falls due."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from applicants.models import Project
from demo.clock import on_day
from demo.steps import take_step
from workflows.journey.flows import JourneyFlow
from workflows.journey.services import (
    journey_event,
    journey_orientation_answer,
    journey_support_conclude,
    journey_support_log_session,
    journey_triage,
)
from workflows.models import EventKind, Journey, JourneyStage, SupportConclusion


def _fresh(journey: Journey) -> Journey:
    journey.refresh_from_db()
    return journey


# Days after the first contact at which each later step is taken.
TRIAGE_AFTER, ORIENTATION_AFTER, SESSION_AFTER, CONCLUSION_AFTER = 2, 5, 15, 50


def seed_journey(
    project: Project,
    target: str,
    organisation: Organisation | None,
    staff: User,
    *,
    started: int,
) -> Journey:
    """Drive a journey through the real engine up to ``target``, from a first contact
    ``started`` days ago; returns it, up to date."""
    with on_day(started, 9), transaction.atomic():
        journey = JourneyFlow.start.run(
            project=project, needs="Être accompagné·e pour lancer le projet."
        )
        journey_event(
            journey=journey,
            kind=EventKind.FIRST_CONTACT,
            actor=project.holder.user,
            message="Votre premier contact est bien reçu.",
        )
    if target == JourneyStage.TRIAGE:
        return _fresh(journey)
    if target == JourneyStage.REDIRECTED or organisation is None:
        _triage_redirect(journey, staff, started - TRIAGE_AFTER)
        return _fresh(journey)
    with on_day(started - TRIAGE_AFTER, 11):
        take_step(
            journey,
            JourneyFlow.triage,
            staff,
            lambda j: journey_triage(journey=j, actor=staff, organisation=organisation),
        )
    if target == JourneyStage.ORIENTATION:
        return _fresh(journey)
    member = organisation.members.order_by("pk").first()
    assert member is not None  # noqa: S101 - the demo organisations all have a lead
    with on_day(started - ORIENTATION_AFTER, 14):
        take_step(
            journey,
            JourneyFlow.orientation,
            member,
            lambda j: journey_orientation_answer(journey=j, actor=member, accept=True),
        )
    journey.refresh_from_db()  # the engine changed the journey on its own instance
    with on_day(started - SESSION_AFTER, 15):
        journey_support_log_session(
            journey=journey,
            actor=member,
            held_on=timezone.localdate(),
            duration_minutes=90,
            topic="Diagnostic et modèle économique",
        )
    if target == JourneyStage.SUPPORT:
        return _fresh(journey)
    with on_day(started - CONCLUSION_AFTER, 16):
        _conclude(journey, member, ready=target == JourneyStage.READY_TO_APPLY)
    return _fresh(journey)


def _triage_redirect(journey: Journey, staff: User, days_ago: int) -> None:
    with on_day(days_ago, 11):
        take_step(
            journey,
            JourneyFlow.triage,
            staff,
            lambda j: journey_triage(
                journey=j,
                actor=staff,
                redirect_reason="Le projet relève de l'accompagnement à "
                "la création d'entreprise classique.",
                redirect_guidance="La CCI Grand Lille et le réseau Initiative de votre commune.",
            ),
        )


def _conclude(journey: Journey, member: User, *, ready: bool) -> None:
    take_step(
        journey,
        JourneyFlow.support,
        member,
        lambda j: journey_support_conclude(
            journey=j,
            actor=member,
            conclusion=SupportConclusion.READY if ready else SupportConclusion.ABANDONED,
            opinion="Projet solide, modèle économique réaliste, ancrage local fort."
            if ready
            else "",
            recommended_amount=Decimal("15000") if ready else None,
            reason="" if ready else "Le porteur a repris un emploi salarié.",
        ),
    )

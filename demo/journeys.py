"""A demo journey driven through the real engine from first contact to the stage it shows."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from applicants.models import Project
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


def seed_journey(
    project: Project, target: str, organisation: Organisation | None, staff: User
) -> Journey:
    """Drive a journey through the real engine up to ``target``; returns it, up to date."""
    with transaction.atomic():
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
        return _fresh(journey)
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
    take_step(
        journey,
        JourneyFlow.orientation,
        member,
        lambda j: journey_orientation_answer(journey=j, actor=member, accept=True),
    )
    journey.refresh_from_db()  # the engine changed the journey on its own instance
    journey_support_log_session(
        journey=journey,
        actor=member,
        held_on=timezone.localdate(),
        duration_minutes=90,
        topic="Diagnostic et modèle économique",
    )
    if target == JourneyStage.SUPPORT:
        return _fresh(journey)
    ready = target == JourneyStage.READY_TO_APPLY
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
    return _fresh(journey)

"""Business actions of the journey. Each is typed, keyword-only and never given a request.

Actions that complete a task (triage, orientation answer, support conclusion) are called by
``workflows.engine.task_perform`` inside the flow lock, so the change and the move to the
next step commit together or not at all.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.french import french_order
from accounts.models import Organisation, OrganisationKind, User
from accounts.services import access_grant, access_grant_all, access_revoke
from applicants.models import ConsentPurpose, Person, Project, Structure
from applicants.services import (
    consent_record,
    person_register,
    project_assign_support_organisation,
    project_create,
    project_release_support_organisation,
)
from applicants.validators import compact
from workflows import notify
from workflows.engine import process_cancel, process_lock
from workflows.journey.contact import FirstContact
from workflows.models import (
    EventKind,
    Journey,
    JourneyEvent,
    JourneyStage,
    Orientation,
    OrientationOutcome,
    OrientationRule,
    SupportConclusion,
    SupportSession,
)

CLOSED_STAGES = (
    JourneyStage.READY_TO_APPLY,
    JourneyStage.REDIRECTED,
    JourneyStage.SUPPORT_ENDED,
    JourneyStage.WITHDRAWN,
)


def journey_event(
    *,
    journey: Journey,
    kind: EventKind,
    message: str,
    actor: User | None = None,
    visible_to_applicant: bool = True,
) -> JourneyEvent:
    """Append a line to the journey's timeline."""
    return JourneyEvent.objects.create(
        journey=journey,
        kind=kind,
        message=message,
        actor=actor,
        visible_to_applicant=visible_to_applicant,
    )


# First contact ---------------------------------------------------------------------------


def first_contact_duplicate(*, contact: FirstContact) -> Journey | None:
    """The journey already under way for the same e-mail or SIRET, with the new contact
    attached to it for staff to see; ``None`` when the contact starts a journey of its own."""
    existing = _journey_under_way(email=contact.email, siret=compact(contact.siret))
    if existing is not None:
        journey_event(
            journey=existing,
            kind=EventKind.DUPLICATE_CONTACT,
            visible_to_applicant=False,
            message=(
                f"Nouveau premier contact de {contact.first_name} {contact.last_name} "
                f"({contact.email}) pour « {contact.title} » : {contact.needs}"
            ),
        )
        # Acknowledged to the person who wrote only when it is the holder: a contact found
        # by its SIRET may come from someone else, who must not learn of this journey.
        if existing.holder.user.email.lower() == contact.email.strip().lower():
            notify.first_contact_acknowledged(
                journey=existing, occurrence=notify.said(contact.title, contact.needs), again=True
            )
    return existing


def first_contact_project(*, contact: FirstContact) -> Project:
    """Create or link the account by e-mail and record the project of a first contact."""
    person = person_register(
        email=contact.email,
        first_name=contact.first_name,
        last_name=contact.last_name,
        phone=contact.phone,
    )
    consent_record(
        person=person,
        purpose=ConsentPurpose.PRIVACY_NOTICE,
        granted=True,
        text_version=contact.notice_version or None,
    )
    return project_create(
        holder=person,
        actor=person.user,
        title=contact.title,
        summary=contact.summary,
        sector=contact.sector,
        stage=contact.stage,
        commune=contact.commune,
        address=contact.address,
        postal_code=contact.postal_code,
        structure=_structure_from_contact(person, contact),
    )


def journey_opened(*, journey: Journey, occurrence: str = "start") -> None:
    """Acknowledge the first contact on the journey just started, and tell MEL staff."""
    journey_event(
        journey=journey,
        kind=EventKind.FIRST_CONTACT,
        actor=journey.holder.user,
        message="Votre premier contact est bien reçu. L'équipe de la MEL vous répond "
        f"sous {settings.TRIAGE_SLA_WORKING_DAYS} jours ouvrés.",
    )
    notify.first_contact_received(journey=journey)
    notify.first_contact_acknowledged(journey=journey, occurrence=occurrence)


def _journey_under_way(*, email: str, siret: str) -> Journey | None:
    journeys = Journey.objects.exclude(stage__in=CLOSED_STAGES).order_by("-created")
    found = journeys.filter(holder__user__email__iexact=email).first()
    if found is None and siret:
        found = journeys.filter(project__structure__siret=siret).first()
    return found


def _structure_from_contact(person: Person, contact: FirstContact) -> Structure | None:
    if not contact.structure_name:
        return None
    from applicants.models import LegalForm
    from applicants.services import structure_save

    form_code = "association" if contact.siret else "not_created"
    return structure_save(
        structure=Structure(
            holder=person,
            name=contact.structure_name,
            siret=contact.siret,
            legal_form=LegalForm.objects.get(code=form_code),
            commune=contact.commune,
        )
    )


def journey_prepare(*, journey: Journey, project: Project, needs: str) -> Journey:
    """Fill a journey that the flow's start node is about to save (no write here)."""
    journey.project = project
    journey.holder = project.holder
    journey.needs = needs
    journey.stage = JourneyStage.TRIAGE
    return journey


# Triage ----------------------------------------------------------------------------------


def orientation_suggestions(*, journey: Journey) -> list[Organisation]:
    """Support organisations suggested by the editable rules, best first; all active
    support organisations follow so that staff can always choose freely."""
    project = journey.project
    in_qpv = bool(project.current_qpv and project.current_qpv.outcome == "inside")
    suggested: list[Organisation] = []
    rules = OrientationRule.objects.filter(is_active=True, organisation__is_active=True)
    for rule in rules.select_related("organisation").prefetch_related("communes"):
        commune_ids = {c.pk for c in rule.communes.all()}
        if rule.organisation not in suggested and rule.matches(
            sector=project.sector,
            stage=project.stage,
            commune_id=project.commune_id,
            in_qpv=in_qpv,
            commune_ids=commune_ids,
        ):
            suggested.append(rule.organisation)
    others = Organisation.objects.filter(kind=OrganisationKind.SUPPORT, is_active=True)
    return suggested + [o for o in others.order_by(*french_order("name")) if o not in suggested]


def journey_triage(
    *,
    journey: Journey,
    actor: User,
    organisation: Organisation | None = None,
    redirect_reason: str = "",
    redirect_guidance: str = "",
    note: str = "",
) -> Journey:
    """Qualify the contact and propose it to a support organisation, or redirect it."""
    if organisation is None and not redirect_reason.strip():
        raise ApplicationError(
            "Choisissez une structure d'accompagnement ou indiquez pourquoi "
            "vous réorientez la personne.",
            field="organisation",
        )
    if organisation is not None and redirect_reason.strip():
        raise ApplicationError(
            "Choisissez soit une orientation, soit une réorientation.", field="redirect_reason"
        )
    journey.triage_note = note
    if organisation is None:
        return _redirect(journey, actor, redirect_reason, redirect_guidance)
    if organisation.kind != OrganisationKind.SUPPORT or not organisation.is_active:
        raise ApplicationError(
            "Cette organisation ne peut pas accompagner de projet.", field="organisation"
        )
    journey.proposed_organisation = organisation
    journey.redirect_reason = ""
    journey.stage = JourneyStage.ORIENTATION
    # The journey's own table only: nothing of viewflow's process row changed.
    journey.save(update_fields=["triage_note", "proposed_organisation", "redirect_reason", "stage"])
    orientation = Orientation.objects.create(
        journey=journey, organisation=organisation, proposed_by=actor
    )
    access_grant_all(
        organisation=organisation,
        grants=[(journey, ("view", "orient")), (journey.project, ("view",))],
    )
    journey_event(
        journey=journey,
        kind=EventKind.ORIENTATION_PROPOSED,
        actor=actor,
        message=f"Votre projet est proposé à {organisation.name} pour vous accompagner.",
    )
    deadline = timezone.localdate() + datetime.timedelta(days=settings.ORIENTATION_SLA_DAYS)
    notify.orientation_proposed(orientation=orientation, deadline=f"{deadline:%d/%m/%Y}")
    return journey


def _redirect(journey: Journey, actor: User, reason: str, guidance: str) -> Journey:
    journey.proposed_organisation = None
    journey.redirect_reason = reason
    journey.redirect_guidance = guidance
    journey.stage = JourneyStage.REDIRECTED
    journey.save()
    journey_event(
        journey=journey,
        kind=EventKind.REDIRECTED,
        actor=actor,
        message=f"Ce dispositif ne correspond pas tout à fait à votre projet : {reason}"
        + (f" Vous pouvez vous adresser à : {guidance}" if guidance else ""),
    )
    notify.journey_outcome(
        journey=journey,
        outcome="une autre piste",
        detail=f"Ce dispositif ne correspond pas tout à fait à votre projet : {reason}"
        + (f"\nVous pouvez vous adresser à : {guidance}" if guidance else ""),
    )
    return journey


def journey_escalate_triage(*, journey: Journey) -> None:
    """The triage deadline passed: the programme lead is told (the task stays open)."""
    journey_event(
        journey=journey,
        kind=EventKind.ESCALATED,
        visible_to_applicant=False,
        message="Le premier contact attend son tri depuis plus que le délai prévu : "
        "le ou la responsable du programme est alerté·e.",
    )
    notify.triage_late(journey=journey)


# Orientation -----------------------------------------------------------------------------


def _pending_orientation(journey: Journey) -> Orientation:
    orientation = journey.orientations.filter(outcome=OrientationOutcome.PENDING).first()
    if orientation is None:
        raise ApplicationError("Aucune orientation n'est en attente pour ce projet.")
    return orientation


def journey_orientation_answer(
    *, journey: Journey, actor: User, accept: bool, reason: str = ""
) -> Journey:
    """The proposed organisation takes the project on, or declines it with a reason (the
    journey then goes back to triage, its history kept)."""
    if not accept and not reason.strip():
        raise ApplicationError("Indiquez pourquoi vous déclinez cette orientation.", field="reason")
    orientation = _pending_orientation(journey)
    organisation = orientation.organisation
    orientation.outcome = OrientationOutcome.ACCEPTED if accept else OrientationOutcome.DECLINED
    orientation.reason, orientation.decided_by = reason, actor
    orientation.decided_at = timezone.now()
    orientation.save()
    access_revoke(organisation=organisation, obj=journey, actions=("orient",))
    if accept:
        project_assign_support_organisation(project=journey.project, organisation=organisation)
        access_grant(organisation=organisation, obj=journey, actions=("support",))
        journey.stage = JourneyStage.SUPPORT
        journey.last_support_activity = timezone.now()
        kind, message = EventKind.ORIENTATION_ACCEPTED, f"{organisation.name} vous accompagne."
    else:
        _withdraw_proposal(journey, organisation)
        kind, message = (
            EventKind.ORIENTATION_DECLINED,
            (
                f"{organisation.name} ne peut pas vous accompagner ({reason}). L'équipe de la MEL "
                "vous propose une autre structure."
            ),
        )
    journey.save()
    journey_event(journey=journey, kind=kind, actor=actor, message=message)
    notify.orientation_answered(orientation=orientation, accepted=accept)
    if accept:
        notify.journey_oriented(orientation=orientation)
    return journey


def journey_orientation_expire(*, journey: Journey) -> None:
    """No answer within the delay: the proposal lapses and the journey returns to triage."""
    orientation = _pending_orientation(journey)
    orientation.outcome = OrientationOutcome.EXPIRED
    orientation.decided_at = timezone.now()
    orientation.save()
    _withdraw_proposal(journey, orientation.organisation)
    journey.save()
    journey_event(
        journey=journey,
        kind=EventKind.ORIENTATION_EXPIRED,
        message=f"{orientation.organisation.name} n'a pas répondu dans le délai : l'équipe de "
        "la MEL vous propose une autre structure.",
    )


def _withdraw_proposal(journey: Journey, organisation: Organisation) -> None:
    access_revoke(organisation=organisation, obj=journey)
    access_revoke(organisation=organisation, obj=journey.project, actions=("view",))
    journey.proposed_organisation = None
    journey.stage = JourneyStage.TRIAGE


# Support ---------------------------------------------------------------------------------


def journey_support_update_plan(
    *, journey: Journey, actor: User, diagnostic: str, support_plan: str
) -> Journey:
    """Record the diagnostic and the support plan."""
    journey.diagnostic, journey.support_plan = diagnostic, support_plan
    journey.last_support_activity = timezone.now()
    journey.save(update_fields=["diagnostic", "support_plan", "last_support_activity"])
    return journey


@transaction.atomic
def journey_support_log_session(
    *,
    journey: Journey,
    actor: User,
    held_on: Any,
    duration_minutes: int,
    topic: str,
    notes: str = "",
) -> SupportSession:
    """Add a session to the support log; it counts as activity for the check-in timer."""
    if journey.stage != JourneyStage.SUPPORT:
        raise ApplicationError("L'accompagnement de ce projet n'est pas en cours.")
    session = SupportSession.objects.create(
        journey=journey,
        held_on=held_on,
        duration_minutes=duration_minutes,
        topic=topic,
        notes=notes,
        author=actor,
    )
    Journey.objects.filter(pk=journey.pk).update(last_support_activity=timezone.now())
    journey_event(
        journey=journey,
        kind=EventKind.SUPPORT_SESSION,
        actor=actor,
        message=f"{topic}.",
    )
    return session


def journey_support_checkin(*, journey: Journey, inactivity_days: int) -> bool:
    """Periodic check-in: remind the organisation when nothing happened for too long.
    Returns whether a reminder was recorded."""
    last = journey.last_support_activity or journey.created
    if timezone.now() - last < datetime.timedelta(days=inactivity_days):
        return False
    journey_event(
        journey=journey,
        kind=EventKind.SUPPORT_REMINDER,
        visible_to_applicant=False,
        message=f"Aucune activité d'accompagnement depuis plus de {inactivity_days} jours.",
    )
    return True


def journey_support_conclude(
    *,
    journey: Journey,
    actor: User,
    conclusion: SupportConclusion | str,
    reason: str = "",
    opinion: str = "",
    recommended_amount: Decimal | None = None,
) -> Journey:
    """End the support: an opinion that the project is ready to apply (with a recommended
    amount), or an end of support with its reason."""
    if conclusion == SupportConclusion.READY:
        if not opinion.strip():
            raise ApplicationError(
                "Rédigez l'avis de la structure d'accompagnement.", field="opinion"
            )
        if recommended_amount is None or recommended_amount <= 0:
            raise ApplicationError("Indiquez le montant recommandé.", field="recommended_amount")
        journey.stage = JourneyStage.READY_TO_APPLY
        message = "Votre accompagnement est terminé : votre projet est prêt pour candidater."
    else:
        if not reason.strip():
            raise ApplicationError(
                "Indiquez le motif de la fin de l'accompagnement.", field="reason"
            )
        journey.stage = JourneyStage.SUPPORT_ENDED
        message = f"L'accompagnement s'est terminé : {reason}"
    journey.conclusion, journey.conclusion_reason = conclusion, reason
    journey.opinion, journey.recommended_amount = opinion, recommended_amount
    journey.save()
    journey_event(journey=journey, kind=EventKind.SUPPORT_CONCLUDED, actor=actor, message=message)
    ready = journey.stage == JourneyStage.READY_TO_APPLY
    notify.journey_outcome(
        journey=journey,
        outcome="prêt à candidater" if ready else "fin de l'accompagnement",
        detail=message
        + (" Ouvrez votre candidature depuis la page de votre parcours." if ready else ""),
    )
    return journey


# Withdrawal ------------------------------------------------------------------------------


def journey_withdraw(*, journey: Journey, actor: User, reason: str = "") -> Journey:
    """The applicant withdraws: every open task is cancelled and access is withdrawn."""
    if actor.pk != journey.holder_id:
        raise ApplicationError("Seul·e le ou la porteur·se du projet peut le retirer.")
    if journey.stage in CLOSED_STAGES:
        raise ApplicationError("Ce parcours est déjà terminé.")
    with transaction.atomic(), process_lock(journey):
        process_cancel(journey)
        journey.refresh_from_db()
        notify.withdrawn(application=None, journey=journey, reason=reason, scorer_ids=[])
        for orientation in journey.orientations.filter(outcome=OrientationOutcome.PENDING):
            _withdraw_proposal(journey, orientation.organisation)
            orientation.outcome = OrientationOutcome.EXPIRED
            orientation.save(update_fields=["outcome"])
        if journey.project.support_organisation_id:
            access_revoke(organisation=journey.project.support_organisation, obj=journey)
            project_release_support_organisation(project=journey.project)
        journey.stage, journey.withdrawn_reason = JourneyStage.WITHDRAWN, reason
        journey.save()
        journey_event(
            journey=journey,
            kind=EventKind.WITHDRAWN,
            actor=actor,
            message="Vous avez retiré votre projet." + (f" Motif : {reason}" if reason else ""),
        )
    return journey

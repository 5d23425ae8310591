"""The entrepreneur's journey up to the application, read top to bottom like its diagram.

    first contact → triage (MEL staff; SLA → the programme lead is alerted, triage stays open)
      → redirected elsewhere (end)
      → orientation (the proposed support organisation; SLA or decline → back to triage)
        → support (the organisation; periodic check-in while nothing happens)
          → ready to apply (avis) | support ended (abandon, redirected, not ready)

Who may act: triage needs the model-wide ``workflows.triage_journey`` (MEL staff);
orientation and support need ``orient_journey``/``support_journey`` granted on this journey
to the organisation's group (guardian's generic table, which viewflow's queue reads).
Steps are completed only through ``workflows.engine.task_perform`` (lock + one transaction);
the lock is ``workflows.locking.process_row_lock`` (a row lock on PostgreSQL).
The application, selection and funding stages are separate flows started from "ready".
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import act, flow

from applicants.selectors.people import person_known
from applicants.services import person_equity_answer
from workflows import notify
from workflows.calendar import add_working_days
from workflows.journey.contact import FirstContact, FirstContactResult
from workflows.journey.services import (
    first_contact_duplicate,
    first_contact_project,
    journey_escalate_triage,
    journey_opened,
    journey_orientation_expire,
    journey_prepare,
    journey_support_checkin,
)
from workflows.journey.steps import OrientationStep, SupportStep, TriageStep
from workflows.locking import process_row_lock
from workflows.models import Journey


def triage_deadline(activation: Any) -> datetime.datetime:
    return add_working_days(timezone.now(), settings.TRIAGE_SLA_WORKING_DAYS)


def orientation_deadline(activation: Any) -> datetime.timedelta:
    return datetime.timedelta(days=settings.ORIENTATION_SLA_DAYS)


def checkin_deadline(activation: Any) -> datetime.datetime:
    """Next check-in: the set number of days after the last activity, or — when that moment
    has passed (a reminder was just sent) — the same number of days from now."""
    journey = activation.process
    period = datetime.timedelta(days=settings.SUPPORT_CHECKIN_DAYS)
    due = (journey.last_support_activity or timezone.now()) + period
    return due if due > timezone.now() else timezone.now() + period


def as_journey(process: Any) -> Journey:
    """viewflow passes the base Process in some checks (can_assign); grants are on Journey."""
    return process if isinstance(process, Journey) else process.coerced


class JourneyFlow(flow.Flow):
    """Parcours d'accompagnement : du premier contact à la fin de l'accompagnement."""

    process_class = Journey
    lock_impl = process_row_lock
    process_title = _("Parcours d'accompagnement")

    start = (
        flow.StartHandle(this.start_journey)
        .Annotation(title=_("Premier contact"))
        .Next(this.triage)
    )

    triage = (
        flow.View(TriageStep.as_view())
        .Annotation(title=_("Tri par l'équipe MEL"))
        .Permission("workflows.triage_journey")
        .OnTimeout(
            triage_deadline, this.escalate_triage, interrupting=False, title=_("Délai de tri")
        )
        .Next(this.is_qualified)
    )
    escalate_triage = (
        flow.Function(this.escalate)
        .Annotation(title=_("Alerter le responsable"))
        .Next(this.escalated)
    )
    escalated = flow.End().Annotation(title=_("Alerte envoyée"))

    is_qualified = (
        flow.If(act.process.is_qualified)
        .Annotation(title=_("Orienté ?"))
        .Then(this.orientation)
        .Else(this.redirected)
    )
    redirected = flow.End().Annotation(title=_("Réorienté ailleurs"))

    orientation = (
        flow.View(OrientationStep.as_view())
        .Annotation(title=_("Réponse de la structure proposée"))
        .Permission("workflows.orient_journey", obj=as_journey)
        .OnTimeout(orientation_deadline, this.expire_orientation, title=_("Délai de réponse"))
        .Next(this.is_accepted)
    )
    expire_orientation = (
        flow.Function(this.orientation_expired)
        .Annotation(title=_("Orientation expirée"))
        .Next(this.triage)
    )
    is_accepted = (
        flow.If(act.process.orientation_accepted)
        .Annotation(title=_("Acceptée ?"))
        .Then(this.support)
        .Else(this.triage)
    )

    support = (
        flow.View(SupportStep.as_view())
        .Annotation(title=_("Accompagnement"))
        .Permission("workflows.support_journey", obj=as_journey)
        .OnTimeout(checkin_deadline, this.checkin, title=_("Point d'étape"))
        .Next(this.is_ready)
    )
    checkin = (
        flow.Function(this.support_checkin)
        .Annotation(title=_("Relance si inactif"))
        .Next(this.support)
    )
    is_ready = (
        flow.If(act.process.ready_to_apply)
        .Annotation(title=_("Prêt à candidater ?"))
        .Then(this.ready)
        .Else(this.support_ended)
    )
    ready = flow.End().Annotation(title=_("Prêt à candidater"))
    support_ended = flow.End().Annotation(title=_("Fin de l'accompagnement"))

    def start_journey(self, activation: Any, *, project: Any, needs: str) -> Journey:
        return journey_prepare(journey=activation.process, project=project, needs=needs)

    def escalate(self, activation: Any) -> None:
        journey_escalate_triage(journey=activation.process)

    def orientation_expired(self, activation: Any) -> None:
        journey_orientation_expire(journey=activation.process)

    def support_checkin(self, activation: Any) -> None:
        journey_support_checkin(
            journey=activation.process, inactivity_days=settings.SUPPORT_CHECKIN_DAYS
        )


def first_contact_submit(
    *, contact: FirstContact, gender: str = "", age_band: str = ""
) -> FirstContactResult:
    """Receive a first contact: create or link the account by e-mail, record the project and
    start its journey — unless the same e-mail or SIRET already has a journey under way, in
    which case the contact is attached to it and staff see it on that journey. Journeys
    start here and nowhere else.

    ``gender`` and ``age_band`` are the optional equity answers ("" when not answered). They
    are stored only for a person this very submission creates: an e-mail already known may
    be typed by someone else, so its owner answers signed in, in "Mes informations"; nothing
    is stored for a contact attached to a journey under way either."""
    existing = first_contact_duplicate(contact=contact)
    if existing is not None:
        return FirstContactResult(journey=existing, duplicate=True)
    known = person_known(email=contact.email)
    project = first_contact_project(contact=contact)
    if not known:  # anyone may type an existing person's e-mail: never answer for them
        person_equity_answer(person=project.holder, gender=gender, age_band=age_band)
    with transaction.atomic():
        journey: Journey = JourneyFlow.start.run(project=project, needs=contact.needs)
        journey_opened(journey=journey, occurrence=notify.said(contact.title, contact.needs))
    return FirstContactResult(journey=journey, duplicate=False)

"""What is expected on a dossier: the steps the reader can take now (with their deadline),
or, when nothing is expected from them, who is acting and what comes next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from accounts.models import User
from funding.selectors import bank_details_todos
from reviewers.models import CommitteeSession
from workflows.engine import OPEN_STATUSES, task_can_act
from workflows.models import Application, ApplicationStatus, Journey, JourneyStage
from workflows.routing import task_url
from workflows.status.deadlines import with_deadlines


@dataclass(frozen=True)
class Action:
    title: str
    url: str
    deadline: datetime.date | None


def reader_actions(
    *, journey: Journey, application: Application | None, user: User
) -> list[Action]:
    """The open steps of the dossier that ``user`` may take, oldest first, with their
    deadline (the dossier holds a handful of open steps at most)."""
    process_ids = [journey.pk] + ([application.pk] if application is not None else [])
    open_steps = Task.objects.filter(
        process_id__in=process_ids, flow_task_type="HUMAN", status__in=OPEN_STATUSES
    ).order_by("created", "pk")
    mine = [step for step in open_steps if task_can_act(task=step, user=user)]
    return [
        Action(
            title=str(step.flow_task.task_title or step.flow_task.name),
            url=task_url(step),
            deadline=step.deadline,
        )
        for step in with_deadlines(mine)
    ] + _asked_outside_steps(application, user)


def _asked_outside_steps(application: Application | None, user: User) -> list[Action]:
    """What the holder was asked outside any step: the bank details a payment waits for."""
    if application is None or application.holder_id != user.pk:
        return []
    return [
        Action(
            title=str(_("Indiquer les coordonnées bancaires de votre structure")),
            url=reverse("workflows:bank_details", args=[application.pk]),
            deadline=asked.due_on,
        )
        for asked in bank_details_todos(person_id=user.pk).filter(application=application)
    ]


@dataclass(frozen=True)
class Waiting:
    """Who acts now, in one sentence, and what the reader will get next."""

    who: Any
    then: Any
    date: datetime.date | None = None


_BY_EMAIL = _("Vous serez prévenu·e par e-mail.")
_BY_EMAIL_BEFORE = _("Vous serez prévenu·e par e-mail, en principe avant le")


def waiting_for_others(
    *,
    journey: Journey,
    application: Application | None,
    session: CommitteeSession | None,
    report_due: datetime.date | None = None,
    answer_due: datetime.date | None = None,
) -> Waiting | None:
    """What happens while nothing is expected from the holder (``None``: the dossier is over).
    ``answer_due``: the day the team or the proposed organisation should have answered by."""
    if application is not None:
        return _application_waiting(application, session, report_due)
    support = journey.project.support_organisation or journey.proposed_organisation
    name = str(support) if support is not None else str(_("La structure d'accompagnement"))
    by_email = (_BY_EMAIL, None) if answer_due is None else (_BY_EMAIL_BEFORE, answer_due)
    if journey.stage == JourneyStage.TRIAGE:
        return Waiting(
            _(
                "L'équipe de la MEL étudie votre demande pour vous orienter vers la bonne structure."
            ),
            *by_email,
        )
    if journey.stage == JourneyStage.ORIENTATION:
        return Waiting(
            _("%(name)s étudie la proposition de vous accompagner.") % {"name": name}, *by_email
        )
    if journey.stage == JourneyStage.SUPPORT:
        return Waiting(
            _("%(name)s vous accompagne dans votre projet.") % {"name": name},
            _(
                "Quand votre projet sera prêt, elle vous proposera de candidater à Entreprendre Autrement."
            ),
        )
    return None


def _application_waiting(
    application: Application, session: CommitteeSession | None, report_due: datetime.date | None
) -> Waiting | None:
    stage = application.stage
    if stage == ApplicationStatus.SUBMITTED:
        return Waiting(_("La MEL vérifie que votre dossier est complet."), _BY_EMAIL)
    if stage == ApplicationStatus.COMPLETE:
        return Waiting(
            _("La MEL vérifie que votre projet remplit les conditions de l'appel à projets."),
            _BY_EMAIL,
        )
    if stage in (ApplicationStatus.ELIGIBLE, ApplicationStatus.ON_AGENDA):
        if session is not None and session.starts_at >= timezone.now():
            return Waiting(
                _("La MEL prépare la présentation de votre dossier au comité."),
                _("Le comité examine votre dossier le"),
                timezone.localtime(session.starts_at).date(),
            )
        return Waiting(
            _("La MEL inscrit votre dossier à une prochaine séance du comité."), _BY_EMAIL
        )
    if stage == ApplicationStatus.FUNDING:
        return Waiting(
            _("Le comité a donné un avis favorable : les financeurs prennent leur décision."),
            _BY_EMAIL,
        )
    if stage == ApplicationStatus.CONVENTION:
        return Waiting(_("La MEL prépare votre convention et le versement de l'avance."), _BY_EMAIL)
    if stage == ApplicationStatus.FOLLOW_UP:
        if report_due is not None:
            return Waiting(
                _("Votre projet est en suivi."),
                _("Votre prochain rapport de suivi sera à rendre avant le"),
                report_due,
            )
        return Waiting(_("Votre projet est en suivi."), _BY_EMAIL)
    return None

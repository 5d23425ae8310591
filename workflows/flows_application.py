"""The application, its completeness and its eligibility (stages 5 to 7), read top to bottom.

    opened by the holder from a journey ready to apply
      → fill (the applicant; drafts saved without completing, submitted when all is there)
      → completeness (MEL staff) → complete? ─ no → complements (the applicant, requested
        items only; deadline → reminder → grace period → closed without follow-up)
                                              └ answered → completeness again
      → eligibility (MEL staff; each rule checked) → eligible (committee comes next) | not

Steps are completed only through ``workflows.engine.task_perform``. Selection and funding
are later flows started from the ``eligible`` end.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import act, flow

from .locking import process_row_lock
from .models import Application
from .services_application import (
    application_close_no_follow_up,
    application_complements_remind,
    application_prepare,
    complement_due,
)
from .views_application import application_step


def as_application(process: Any) -> Application:
    """viewflow passes the base Process in some checks (can_assign); grants are on Application."""
    return process if isinstance(process, Application) else process.coerced


def complements_deadline(activation: Any) -> datetime.datetime:
    return complement_due(application=as_application(activation.process))


def grace_deadline(activation: Any) -> datetime.timedelta:
    return datetime.timedelta(days=settings.COMPLEMENT_GRACE_DAYS)


def holder_user(activation: Any) -> Any:
    return as_application(activation.process).holder.user


class ApplicationFlow(flow.Flow):
    """Candidature : dépôt, complétude et éligibilité."""

    process_class = Application
    lock_impl = process_row_lock
    process_title = _("Candidature Entreprendre Autrement")

    start = (
        flow.StartHandle(this.start_application)
        .Annotation(title=_("Ouverture de la candidature"))
        .Next(this.fill)
    )

    fill = (
        flow.View(application_step)
        .Annotation(title=_("Remplir et déposer la candidature"))
        .Assign(holder_user)
        .Next(this.completeness)
    )

    completeness = (
        flow.View(application_step)
        .Annotation(title=_("Vérification de la complétude"))
        .Permission("workflows.instruct_application")
        .Next(this.is_complete)
    )
    is_complete = (
        flow.If(act.process.is_complete)
        .Annotation(title=_("Complet ?"))
        .Then(this.eligibility)
        .Else(this.complements)
    )

    complements = (
        flow.View(application_step)
        .Annotation(title=_("Fournir les compléments"))
        .Assign(holder_user)
        .OnTimeout(complements_deadline, this.complements_reminder, title=_("Date limite"))
        .Next(this.completeness)
    )
    complements_reminder = (
        flow.Function(this.remind)
        .Annotation(title=_("Relance du porteur"))
        .Next(this.complements_grace)
    )
    complements_grace = (
        flow.View(application_step)
        .Annotation(title=_("Fournir les compléments (après relance)"))
        .Assign(holder_user)
        .OnTimeout(grace_deadline, this.close_no_follow_up, title=_("Délai de grâce"))
        .Next(this.completeness)
    )
    close_no_follow_up = (
        flow.Function(this.close)
        .Annotation(title=_("Classement sans suite"))
        .Next(this.closed_no_follow_up)
    )
    closed_no_follow_up = flow.End().Annotation(title=_("Classée sans suite"))

    eligibility = (
        flow.View(application_step)
        .Annotation(title=_("Examen de l'éligibilité"))
        .Permission("workflows.instruct_application")
        .Next(this.is_eligible)
    )
    is_eligible = (
        flow.If(act.process.is_eligible)
        .Annotation(title=_("Éligible ?"))
        .Then(this.eligible)
        .Else(this.ineligible)
    )
    eligible = flow.End().Annotation(title=_("Éligible — inscription en comité à venir"))
    ineligible = flow.End().Annotation(title=_("Non éligible (courrier motivé)"))

    def start_application(self, activation: Any, *, journey: Any) -> Application:
        return application_prepare(application=activation.process, journey=journey)

    def remind(self, activation: Any) -> None:
        application_complements_remind(application=activation.process)

    def close(self, activation: Any) -> None:
        application_close_no_follow_up(application=activation.process)

"""Reminding holders from the staff lists, one dossier at a time or a selection at once.

A reminder goes through the notifications outbox to the holder of a dossier whose next step
is theirs (a draft to file, complements to send), at most once per dossier within
``REMINDER_COOLDOWN_DAYS``: a second click, a double submission or a colleague reminding
the same dossier the same morning sends nothing more.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.listing import french_plural
from accounts.models import User
from accounts.selectors import filter_visible
from notifications.catalogue import Event
from notifications.models import Notification
from workflows import notify
from workflows.application.services import application_event
from workflows.engine import process_lock
from workflows.models import Application, ApplicationStatus

# What the holder is expected to do, by stage: only these stages wait for them.
EXPECTED = {
    ApplicationStatus.DRAFT: "compléter puis déposer votre candidature",
    ApplicationStatus.INCOMPLETE: "envoyer les compléments demandés",
}


def _reminded_since(application: Application, since: datetime.datetime) -> bool:
    return Notification.objects.filter(
        event=Event.DOSSIER_REMINDER,
        dossier_ref=f"workflows.application:{application.pk}",
        created_at__gte=since,
    ).exists()


def application_remind(*, application: Application, actor: User) -> Application:
    """Remind the holder of ``application`` that their step waits; refused (with why) when
    nothing waits for them or when they were reminded within the cooldown."""
    with transaction.atomic(), process_lock(application):
        application.refresh_from_db()
        expected = EXPECTED.get(ApplicationStatus(application.stage))
        if expected is None:
            raise ApplicationError("Rien n'attend le porteur ou la porteuse à cette étape.")
        now = timezone.now()
        days = settings.REMINDER_COOLDOWN_DAYS
        if _reminded_since(application, now - datetime.timedelta(days=days)):
            unit = french_plural(days, "jour", "jours")
            raise ApplicationError(f"Déjà relancé il y a moins de {days} {unit}.")
        notify.dossier_reminder(
            application=application, expected=expected, occurrence=now.isoformat()
        )
        application_event(
            application=application,
            actor=actor,
            message=f"Relance envoyée au porteur ou à la porteuse : {expected}.",
        )
    return application


@dataclass
class BatchOutcome:
    """What an action on a selection did: the dossiers it acted on, those refused with why."""

    done: list[Application] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "« title » (reason)"

    def summary(self, done_word: tuple[str, str]) -> str:
        """ "3 dossiers placés, 1 refusé : « Épicerie » (déjà inscrit à cette séance)."."""
        count, refused = len(self.done), len(self.refused)
        text = f"{count} {french_plural(count, 'dossier', 'dossiers')} "
        text += french_plural(count, *done_word)
        if refused:
            text += f", {refused} {french_plural(refused, 'refusé', 'refusés')} : "
            text += " ; ".join(self.refused)
        return text + "."


def applications_act(
    *,
    pks: Iterable[int],
    actor: User,
    act: Callable[[Application], object],
) -> BatchOutcome:
    """Apply ``act`` to each selected dossier the actor may instruct, each in its own
    transaction (one refusal never undoes the others). A dossier the actor may not see is
    refused without its title: the summary reveals nothing the list did not show."""
    wanted = sorted({int(pk) for pk in pks})
    allowed = filter_visible(
        actor, Application.objects.select_related("project", "committee_session"), "instruct"
    ).filter(pk__in=wanted)
    found = {application.pk: application for application in allowed}
    outcome = BatchOutcome()
    for pk in wanted:
        application = found.get(pk)
        if application is None:
            outcome.refused.append("un dossier que vous ne pouvez pas modifier")
            continue
        try:
            act(application)
        except ApplicationError as error:
            reason = error.message.rstrip(".")
            reason = reason[:1].lower() + reason[1:]
            outcome.refused.append(f"« {application.project.title} » ({reason})")
        else:
            outcome.done.append(application)
    return outcome


def applications_remind(*, pks: Iterable[int], actor: User) -> BatchOutcome:
    return applications_act(
        pks=pks, actor=actor, act=lambda a: application_remind(application=a, actor=actor)
    )

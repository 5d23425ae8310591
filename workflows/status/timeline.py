"""What happened on the dossier, newest first, in sentences the holder can read.

The source is the dossier's own history, written for the applicant when it happens
(``JourneyEvent`` lines shown to them, ``ApplicationEvent`` lines not kept for staff): never
the audit trail, whose lines name permissions, groups and records. Each kind of journey
event becomes a sentence here; lines kept for staff never leave this module.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from workflows.models import Application, EventKind, Journey

LIMIT = 50

# Staff-only kinds, excluded whatever their flag says: a duplicate contact quotes another
# person's e-mail, an escalation or a reminder speaks about the staff's own work.
_STAFF_KINDS = (EventKind.DUPLICATE_CONTACT, EventKind.ESCALATED, EventKind.SUPPORT_REMINDER)

# How a journey event reads; ``{message}`` is the sentence written when it happened.
_SENTENCES = {
    EventKind.SUPPORT_SESSION: _("Séance d'accompagnement : {message}"),
}


@dataclass(frozen=True)
class Happening:
    at: datetime.datetime
    sentence: str


def _journey_sentence(kind: str, message: str) -> str:
    template = str(_SENTENCES.get(EventKind(kind), "{message}")) if kind in EventKind.values else ""
    return template.format(message=message.strip()).strip() if template else message.strip()


def dossier_timeline(
    *, journey: Journey, application: Application | None, limit: int = LIMIT
) -> list[Happening]:
    """At most ``limit`` sentences, newest first, in two queries whatever the history."""
    journey_lines = (
        journey.events.filter(visible_to_applicant=True)
        .exclude(kind__in=_STAFF_KINDS)
        .order_by("-at", "-pk")
        .values_list("at", "kind", "message")[:limit]
    )
    happenings = [Happening(at, _journey_sentence(kind, msg)) for at, kind, msg in journey_lines]
    if application is not None:
        application_lines = (
            application.events.filter(staff_only=False)
            .order_by("-created_at", "-pk")
            .values_list("created_at", "message")[:limit]
        )
        happenings += [Happening(at, msg.strip()) for at, msg in application_lines]
    happenings.sort(key=lambda happening: happening.at, reverse=True)
    return [h for h in happenings if h.sentence][:limit]

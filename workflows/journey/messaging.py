"""Messages and private notes on a journey: who may read and write them, and read status."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from accounts.exceptions import ApplicationError
from accounts.models import User
from workflows import notify
from workflows.models import (
    Application,
    ApplicationStatus,
    DossierMessage,
    Journey,
    JourneyStage,
    MessageReceipt,
    PrivateNote,
)
from workflows.recipients import reader_ids, staff_ids

MAX_LENGTH = 5000

# Once the journey has ended this way nobody answers any more: the conversation stays
# readable, but a new message would go nowhere.
_ENDED_JOURNEY = {
    JourneyStage.WITHDRAWN: "Ce projet a été retiré : la messagerie est fermée.",
    JourneyStage.REDIRECTED: "Ce parcours s'est terminé par une réorientation : la messagerie "
    "est fermée.",
    JourneyStage.SUPPORT_ENDED: "L'accompagnement de ce projet est terminé : la messagerie est "
    "fermée.",
}
_ENDED_APPLICATION = (
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.REJECTED,
    ApplicationStatus.NOT_FUNDED,
    ApplicationStatus.CLOSED,
    ApplicationStatus.CLOSED_NO_FOLLOW_UP,
    ApplicationStatus.WITHDRAWN,
)


def messaging_closed_reason(*, journey: Journey) -> str:
    """Why no message may be posted on the journey any more, in French ("" while open).
    A journey ready to apply stays open as long as its application goes on."""
    if journey.stage in _ENDED_JOURNEY:
        return _ENDED_JOURNEY[JourneyStage(journey.stage)]
    if (
        journey.stage == JourneyStage.READY_TO_APPLY
        and Application.objects.filter(
            source_journey=journey, stage__in=_ENDED_APPLICATION
        ).exists()
    ):
        return "La candidature de ce projet est close : la messagerie est fermée."
    return ""


def can_read_private_notes(*, user: User, journey: Journey) -> bool:
    """MEL staff and the organisation supporting the project; never the applicant."""
    if journey.holder_id == user.pk:
        return False
    return user.has_perm("workflows.triage_journey") or user.has_perm(
        "workflows.support_journey", journey
    )


def message_send(*, journey: Journey, author: User, body: str) -> DossierMessage:
    """Post a message on the journey (the caller has checked the author may see it); refused
    once the journey or its application has ended."""
    closed = messaging_closed_reason(journey=journey)
    if closed:
        raise ApplicationError(f"Votre message n'a pas été envoyé. {closed}")
    text = body.strip()
    if not text:
        raise ApplicationError("Le message est vide.", field="body")
    if len(text) > MAX_LENGTH:
        raise ApplicationError(f"Le message dépasse {MAX_LENGTH} caractères.", field="body")
    with transaction.atomic():  # the message and its notifications together
        message = DossierMessage.objects.create(journey=journey, author=author, body=text)
        MessageReceipt.objects.create(message=message, reader=author)  # one's own is read
        notify.message_posted(journey=journey, posted=message, reader_ids=_readers(journey))
    return message


def _readers(journey: Journey) -> list[int]:
    """Who is told of a new message: the holder and the supporting organisation (while it
    may read the journey), or MEL staff while no organisation supports the project yet."""
    support = journey.project.support_organisation
    others = reader_ids(support, journey) if support is not None else staff_ids()
    return [journey.holder_id, *others]


def messages_for(*, journey: Journey, reader: User) -> QuerySet[DossierMessage]:
    """The conversation, each message annotated with whether ``reader`` has read it."""
    read = MessageReceipt.objects.filter(message=OuterRef("pk"), reader=reader)
    return journey.messages.select_related("author").annotate(is_read=Exists(read))


@transaction.atomic
def messages_mark_read(*, journey: Journey, reader: User) -> int:
    """Record that ``reader`` has seen every message of the journey; returns how many new."""
    unread = journey.messages.exclude(receipts__reader=reader).values_list("pk", flat=True)
    receipts = [MessageReceipt(message_id=pk, reader=reader) for pk in unread]
    MessageReceipt.objects.bulk_create(receipts, ignore_conflicts=True)
    return len(receipts)


def note_add(*, journey: Journey, author: User, body: str) -> PrivateNote:
    if not can_read_private_notes(user=author, journey=journey):
        raise ApplicationError("Vous ne pouvez pas écrire de note privée sur ce parcours.")
    text = body.strip()
    if not text:
        raise ApplicationError("La note est vide.", field="body")
    return PrivateNote.objects.create(journey=journey, author=author, body=text[:MAX_LENGTH])

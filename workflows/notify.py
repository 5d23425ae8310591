"""Who is told what: each function resolves the recipients of one catalogue event from
roles and organisations (never named users) and writes the notifications in the caller's
transaction (``notifications.services.notify``). One query for the recipients, one bulk
insert for the rows, whatever their number.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from funding.formatting import format_euros
from funding.models import FollowUpReport, FundingLine, Tranche
from notifications.catalogue import Event
from notifications.services import Message, notify
from reviewers.models import Deliberation
from workflows.calendar import add_working_days, day_in_words, local_day
from workflows.models import Application, DossierMessage, Journey, Orientation
from workflows.recipients import lead_ids, member_ids, reader_ids, staff_ids


def _application(
    application: Application, event: Event, occurrence: Any, **context: Any
) -> Message:
    return Message(
        event=event,
        link=reverse("workflows:application_detail", args=[application.pk]),
        dossier_ref=f"workflows.application:{application.pk}",
        occurrence=str(occurrence),
        context={"title": application.project.title, **context},
    )


def _journey(journey: Journey, event: Event, occurrence: Any, **context: Any) -> Message:
    return Message(
        event=event,
        link=reverse("workflows:journey_detail", args=[journey.pk]),
        dossier_ref=f"workflows.journey:{journey.pk}",
        occurrence=str(occurrence),
        context={"title": journey.project.title, **context},
    )


# The journey ---------------------------------------------------------------------------------


def first_contact_received(*, journey: Journey) -> None:
    commune = journey.project.commune
    notify(
        message=_journey(
            journey, Event.FIRST_CONTACT_RECEIVED, "start", commune=commune.name if commune else ""
        ),
        recipient_ids=staff_ids(),
    )


def said(title: str, needs: str) -> str:
    """What a person wrote on the public form, as an occurrence: the same words sent twice
    (a double click) are acknowledged once."""
    return hashlib.sha256(f"{title}\n{needs}".encode()).hexdigest()[:16]


def first_contact_acknowledged(*, journey: Journey, occurrence: str, again: bool = False) -> None:
    """Tell the person, at the e-mail they gave, that their request arrived and when the MEL
    answers (the triage delay, in working days). ``occurrence`` is what they wrote: the same
    words sent twice are acknowledged once; ``again``: added to their journey under way."""
    days = settings.TRIAGE_SLA_WORKING_DAYS
    notify(
        message=_journey(
            journey,
            Event.FIRST_CONTACT_ACKNOWLEDGED,
            occurrence,
            days=days,
            due_on=day_in_words(add_working_days(timezone.now(), days)),
            again=again,
        ),
        recipient_ids=[journey.holder_id],
    )


def journey_oriented(*, orientation: Orientation) -> None:
    """Tell the holder which organisation supports them now, how to reach it, what next."""
    organisation = orientation.organisation
    notify(
        message=_journey(
            orientation.journey,
            Event.JOURNEY_ORIENTED,
            f"{organisation.pk}:{orientation.pk}",
            organisation=organisation.name,
            email=organisation.email,
            phone=organisation.phone,
            address=organisation.address,
            website=organisation.website,
        ),
        recipient_ids=[orientation.journey.holder_id],
    )


def triage_late(*, journey: Journey) -> None:
    notify(
        message=_journey(journey, Event.TRIAGE_LATE, "late", days=settings.TRIAGE_SLA_WORKING_DAYS),
        recipient_ids=lead_ids(),
    )


def orientation_proposed(*, orientation: Orientation, deadline: str) -> None:
    journey, organisation = orientation.journey, orientation.organisation
    holder = journey.holder
    notify(
        message=_journey(
            journey,
            Event.ORIENTATION_PROPOSED,
            f"{organisation.pk}:{orientation.pk}",  # one occurrence per proposal
            organisation=organisation.name,
            deadline=deadline,
            # The organisation is to get in touch: the person agreed to it at first contact.
            person=holder.user.get_full_name() or str(holder.user),
            email=holder.user.email,
            phone=holder.phone,
            commune=journey.project.commune.name if journey.project.commune else "",
        ),
        recipient_ids=reader_ids(organisation, journey),
    )


def orientation_answered(*, orientation: Orientation, accepted: bool) -> None:
    journey, organisation = orientation.journey, orientation.organisation
    notify(
        message=_journey(
            journey,
            Event.ORIENTATION_ANSWERED,
            f"{organisation.pk}:{orientation.pk}",
            organisation=organisation.name,
            accepted=accepted,
        ),
        # An acceptance reaches the holder as its own notice (``journey_oriented``).
        recipient_ids=[*staff_ids(), *([] if accepted else [journey.holder_id])],
    )


def message_posted(*, journey: Journey, posted: DossierMessage, reader_ids: list[int]) -> None:
    body = posted.body
    excerpt = body if len(body) <= 300 else body[:300] + "…"
    message = _journey(
        journey, Event.NEW_MESSAGE, posted.pk, author=str(posted.author), excerpt=excerpt
    )
    notify(message=message, recipient_ids=[pk for pk in reader_ids if pk != posted.author_id])


# The application ---------------------------------------------------------------------------------


def application_submitted(*, application: Application, again: bool) -> None:
    # Each submission adds a line to the history first: its count tells them apart.
    occurrence = f"{again}:{application.events.count()}"
    notify(
        message=_application(application, Event.APPLICATION_SUBMITTED, occurrence, again=again),
        recipient_ids=staff_ids(),
    )


def complements_requested(*, application: Application, message: str, deadline: Any) -> None:
    """The link opens the form itself, where the complements (and files) are handed in."""
    occurrence = application.complement_requests.count()
    notify(
        message=Message(
            event=Event.COMPLEMENTS_REQUESTED,
            link=reverse("workflows:application_edit", args=[application.pk]),
            dossier_ref=f"workflows.application:{application.pk}",
            occurrence=str(occurrence),
            context={
                "title": application.project.title,
                "message": message,
                "deadline": day_in_words(deadline),
                "deadline_date": f"{deadline:%d/%m/%Y}",
            },
        ),
        recipient_ids=[application.holder_id],
    )


def complements_reminder(*, application: Application) -> None:
    notify(
        message=_application(
            application,
            Event.COMPLEMENTS_REMINDER,
            application.complement_requests.count(),
            days=settings.COMPLEMENT_GRACE_DAYS,
        ),
        recipient_ids=[application.holder_id],
    )


def application_complete(*, application: Application) -> None:
    notify(
        message=_application(application, Event.APPLICATION_COMPLETE, application.events.count()),
        recipient_ids=[application.holder_id],
    )


def application_eligible(*, application: Application) -> None:
    notify(
        message=_application(application, Event.APPLICATION_ELIGIBLE, application.events.count()),
        recipient_ids=[application.holder_id],
    )


def dossier_reminder(*, application: Application, expected: str, occurrence: str) -> None:
    """A reminder sent from the staff lists to a holder whose step is waiting."""
    notify(
        message=_application(application, Event.DOSSIER_REMINDER, occurrence, expected=expected),
        recipient_ids=[application.holder_id],
    )


def dossier_closed(*, application: Application, notice: str) -> None:
    notify(
        message=_application(application, Event.DOSSIER_CLOSED, application.stage, notice=notice),
        recipient_ids=[application.holder_id],
    )


def on_agenda(*, application: Application) -> None:
    session = application.committee_session
    if session is None:
        return
    notify(
        message=_application(
            application, Event.ON_AGENDA, session.pk, session_date=local_day(session.starts_at)
        ),
        recipient_ids=[application.holder_id],
    )


def scoring_opened(*, application: Application, member_ids: list[int]) -> None:
    session = application.committee_session
    if session is None:
        return
    message = Message(
        event=Event.SCORING_DUE,
        link=reverse("workflows:inbox"),  # members reach the dossier through their task only
        dossier_ref=f"workflows.application:{application.pk}",
        occurrence=str(session.pk),
        context={"title": application.project.title, "session_date": local_day(session.starts_at)},
    )
    notify(message=message, recipient_ids=member_ids)


def scoring_reminder(*, application: Application, member_id: int, session: Any) -> None:
    message = Message(
        event=Event.SCORING_REMINDER,
        link=reverse("workflows:inbox"),
        dossier_ref=f"workflows.application:{application.pk}",
        occurrence=str(session.pk),
        context={"title": application.project.title, "session_date": local_day(session.starts_at)},
    )
    notify(message=message, recipient_ids=[member_id])


def decision(*, application: Application, deliberation: Deliberation) -> None:
    support = application.project.support_organisation
    notify(
        message=_application(
            application,
            Event.DECISION,
            deliberation.pk,
            outcome=deliberation.get_outcome_display().lower(),
            amount=format_euros(deliberation.proposed_amount)
            if deliberation.proposed_amount
            else "",
            conditions=deliberation.conditions,
            reasons=deliberation.reasons,
        ),
        recipient_ids=[application.holder_id, *reader_ids(support, application)],
    )


def funding_line_to_sign(*, line: FundingLine) -> None:
    message = Message(
        event=Event.FUNDING_LINE_TO_SIGN,
        link=reverse("workflows:application_detail", args=[line.dossier_id]),
        dossier_ref=f"workflows.application:{line.dossier_id}",
        occurrence=str(line.pk),
        context={
            "title": line.dossier.project.title,
            "instrument": line.get_instrument_display(),
            "amount": format_euros(line.proposed_amount),
        },
    )
    notify(message=message, recipient_ids=reader_ids(line.organisation, line))


def funding_line_decided(*, line: FundingLine) -> None:
    verdict = (
        f"{format_euros(line.decided_amount)} accordés"
        if line.decided_amount
        else line.get_state_display().lower()
    )
    notify(
        message=_application(
            line.dossier,
            Event.FUNDING_LINE_DECIDED,
            f"{line.pk}:{line.state}",
            organisation=str(line.organisation),
            verdict=verdict,
        ),
        recipient_ids=staff_ids(),
    )


def financier_decision(*, line: FundingLine) -> None:
    """Tell the holder what one financier decided (its reasons stay with the MEL)."""
    granted = bool(line.decided_amount)
    notify(
        message=_application(
            line.dossier,
            Event.FINANCIER_DECISION,
            f"{line.pk}:{line.state}",
            organisation=str(line.organisation),
            granted=granted,
            verdict=f"{format_euros(line.decided_amount)} accordés"
            if line.decided_amount
            else "pas de financement",
            instrument=line.get_instrument_display().lower(),
        ),
        recipient_ids=[line.dossier.holder_id],
    )


def convention_ready(*, application: Application, amount: Any, convention: bool) -> None:
    """The grant is decided: the holder signs the convention (above the rule's threshold)
    and gives the bank details."""
    notify(
        message=_application(
            application,
            Event.CONVENTION_READY,
            "funded",
            amount=format_euros(amount),
            convention=convention,
        ),
        recipient_ids=[application.holder_id],
    )


def tranche_released(*, application: Application, tranche: Tranche) -> None:
    notify(
        message=_application(
            application,
            Event.TRANCHE_RELEASED,
            tranche.position,
            label=tranche.label.lower(),
            amount=format_euros(tranche.amount),
        ),
        recipient_ids=[application.holder_id],
    )


def report_event(*, application: Application, report: FollowUpReport, event: Event) -> None:
    recipients = lead_ids() if event == Event.REPORT_ESCALATED else [application.holder_id]
    notify(
        message=_application(application, event, report.months, due_on=f"{report.due_on:%d/%m/%Y}"),
        recipient_ids=recipients,
    )


def withdrawn(
    *, application: Application | None, journey: Journey, reason: str, scorer_ids: list[int]
) -> None:
    """Staff keep access (link to the dossier); the supporting organisation loses it with the
    withdrawal, so its members get no link; members who were scoring are told to stop."""
    support = journey.project.support_organisation
    message = (
        _application(application, Event.WITHDRAWN, "withdrawn", reason=reason)
        if application is not None
        else _journey(journey, Event.WITHDRAWN, "withdrawn", reason=reason)
    )
    notify(message=message, recipient_ids=staff_ids())
    unlinked = Message(
        event=message.event,
        link="",
        dossier_ref=message.dossier_ref,
        occurrence=message.occurrence,
        context=message.context,
    )
    staff = set(staff_ids())
    readers = reader_ids(support, journey)
    notify(message=unlinked, recipient_ids=[pk for pk in readers if pk not in staff])
    if application is not None and scorer_ids:
        cancelled = Message(
            event=Event.SCORING_CANCELLED,
            link="",
            dossier_ref=message.dossier_ref,
            occurrence="withdrawn",
            context=message.context,
        )
        notify(message=cancelled, recipient_ids=scorer_ids)


def journey_outcome(*, journey: Journey, outcome: str, detail: str) -> None:
    """Tell the holder how the journey goes on: redirected, support ended, ready to apply."""
    notify(
        message=_journey(
            journey, Event.JOURNEY_OUTCOME, journey.stage, outcome=outcome, detail=detail
        ),
        recipient_ids=[journey.holder_id],
    )


def countersign_due(*, line: FundingLine) -> None:
    """A grant above the threshold waits for a second signatory of the same financier."""
    message = Message(
        event=Event.COUNTERSIGN_DUE,
        link=reverse("workflows:application_detail", args=[line.dossier_id]),
        dossier_ref=f"workflows.application:{line.dossier_id}",
        occurrence=f"{line.pk}:{line.first_signed_at:%Y%m%d%H%M%S%f}",
        context={
            "title": line.dossier.project.title,
            "first_signer": str(line.first_signer),
            "amount": format_euros(line.decided_amount or 0),
            "organisation": str(line.organisation),
            "threshold": format_euros(settings.FUNDING_SECOND_SIGNATURE_ABOVE_EUR),
        },
    )
    colleagues = [pk for pk in member_ids(line.organisation) if pk != line.first_signer_id]
    notify(message=message, recipient_ids=colleagues)


def bank_details_requested(*, application: Application, request_pk: int, due_on: str) -> None:
    """The holder is asked for the structure's bank details, with the page to give them."""
    message = Message(
        event=Event.BANK_DETAILS_REQUESTED,
        link=reverse("workflows:bank_details", args=[application.pk]),
        dossier_ref=f"workflows.application:{application.pk}",
        occurrence=str(request_pk),  # asked again after the deadline: told again
        context={"title": application.project.title, "due_on": due_on},
    )
    notify(message=message, recipient_ids=[application.holder_id])


def bank_details_received(*, application: Application, author: str, next_step: str) -> None:
    """MEL staff are told the payment no longer waits for the bank details."""
    notify(
        message=_application(
            application,
            Event.BANK_DETAILS_RECEIVED,
            f"{application.pk}:{application.events.count()}",
            author=author,
            next_step=next_step,
        ),
        recipient_ids=staff_ids(),
    )

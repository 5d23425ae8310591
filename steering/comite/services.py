"""The Comité métropolitain's actions: planning a meeting and choosing who reads it,
generating the semester report from the plan's indicators, and recording its approval.

The report covers the last full semester before the meeting (``report_period``). While it is a draft it may be generated
again with the figures of the day; its approval stores the figures and the PDF as they are
then, with the PDF's SHA-256, and nothing changes them afterwards (``SemesterReport.save``
refuses too, for the admin or a shell).
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.french import long_date
from accounts.models import Organisation, OrganisationKind, User
from accounts.services import access_grant, access_revoke
from audit.models import AuditAction
from audit.services import audit_record
from steering.comite.pdf import semester_report_pdf
from steering.comite.selectors import report_indicators, report_title
from steering.indicators.compute import plan_indicators
from steering.indicators.types import Period
from steering.models import ComiteMeeting, MeetingStatus, SemesterReport


def report_period(meeting_day: datetime.date) -> Period:
    """The semester a meeting's report covers: always the last FULL semester before the
    meeting day. A meeting on 10 December reviews January to June, not a July-December
    semester three weeks short of its end (figures approved then could never be complete).
    """
    return Period.semester_of(meeting_day).previous_semester()


def _require(actor: User, action: str) -> None:
    if not actor.has_perm(f"steering.{action}_comitemeeting"):
        raise PermissionDenied("Seule l'équipe de la MEL prépare et fait approuver le rapport.")


@transaction.atomic
def comite_meeting_plan(
    *,
    starts_at: datetime.datetime,
    place: str,
    actor: User,
    readers: list[Organisation] | None = None,
) -> ComiteMeeting:
    """Plan a meeting; the steering organisations (all active ones by default) see it."""
    _require(actor, "add")
    meeting = ComiteMeeting(starts_at=starts_at, place=place)
    meeting.full_clean()
    meeting.save()
    if readers is None:
        readers = list(Organisation.objects.filter(kind=OrganisationKind.STEERING, is_active=True))
    meeting.readers.set(readers)
    comite_meeting_readers_sync(meeting=meeting, previous=set())
    return meeting


def comite_meeting_readers_sync(*, meeting: ComiteMeeting, previous: set[int]) -> None:
    """Grant ``view`` to the meeting's readers, and withdraw it from the organisations of
    ``previous`` (their keys) that are no longer readers."""
    current = {o.pk: o for o in meeting.readers.all()}
    for organisation in current.values():
        if organisation.kind != OrganisationKind.STEERING:
            raise ApplicationError(
                f"« {organisation} » n'est pas une organisation de pilotage : elle ne peut pas "
                "consulter les séances du Comité métropolitain.",
                field="readers",
            )
        access_grant(organisation=organisation, obj=meeting)
    for organisation in Organisation.objects.filter(pk__in=previous - set(current)):
        access_revoke(organisation=organisation, obj=meeting)


def _refuse_if_frozen(report: SemesterReport | None) -> None:
    if report is not None and report.is_approved:
        raise ApplicationError(
            f"Ce rapport a été approuvé par le Comité le {long_date(report.session_at)} "
            ": il est figé et ne peut plus être régénéré ni modifié."
        )


@transaction.atomic
def semester_report_generate(*, meeting: ComiteMeeting, actor: User) -> SemesterReport:
    """Compute the plan's indicators for the meeting's semester and keep them as the
    report's draft (again, with the figures of the day, while it is not approved)."""
    _require(actor, "generate")
    meeting = ComiteMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("Cette séance est annulée : elle n'a pas de rapport.")
    report = SemesterReport.objects.filter(meeting=meeting).first()
    _refuse_if_frozen(report)
    period = report_period(timezone.localdate(meeting.starts_at))
    indicators = plan_indicators(period)
    if report is None:
        report = SemesterReport(meeting=meeting)
    report.period_start, report.period_end = period.start, period.end
    report.indicators = indicators.to_json()
    report.generated_at = timezone.now()
    report.generated_by = actor
    report.save()
    return report


@transaction.atomic
def semester_report_approve(*, report: SemesterReport, actor: User) -> SemesterReport:
    """Record that the Comité approved the report in session: the figures and the PDF are
    frozen as they are, the PDF's SHA-256 kept, the approval written in the audit trail."""
    _require(actor, "approve")
    meeting = ComiteMeeting.objects.select_for_update().get(pk=report.meeting_id)
    report = SemesterReport.objects.select_related("meeting").get(pk=report.pk)
    _refuse_if_frozen(report)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("Cette séance est annulée : son rapport ne peut pas être approuvé.")
    if meeting.starts_at > timezone.now():
        raise ApplicationError(
            "Le rapport s'approuve en séance : enregistrez l'approbation après la séance du "
            f"{long_date(meeting.starts_at)}."
        )
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD  # the Comité approved it: the meeting took place
        meeting.save(update_fields=["status"])  # before the approval, which freezes it
    report.approved_at = timezone.now()
    report.approved_by = actor
    # The approved document names the meeting as it is now, whatever the meeting becomes.
    report.approved_meeting_at, report.approved_meeting_place = meeting.starts_at, meeting.place
    report.approved_title = report_title(report_indicators(report).period)
    report.pdf = semester_report_pdf(report=report)
    report.pdf_sha256 = hashlib.sha256(report.pdf).hexdigest()
    report.save()
    audit_record(
        action=AuditAction.DECISION,
        actor=actor,
        obj=report,
        summary=f"Rapport semestriel approuvé par le Comité métropolitain du "
        f"{long_date(meeting.starts_at)}",
        after={
            "period_start": report.period_start,
            "period_end": report.period_end,
            "pdf_sha256": report.pdf_sha256,
        },
    )
    return report

"""How the Comité's pages and PDF word a meeting's moment and its report's state."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.french import NBSP, long_date
from steering.models import ComiteMeeting, MeetingStatus, SemesterReport


def meeting_moment(value: datetime.datetime) -> str:
    """ "jeudi 10 décembre 2026 à 14 h 00"."""
    local = timezone.localtime(value)
    return f"{long_date(local, weekday=True)} à {local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def approval_line(report: SemesterReport) -> str:
    """Dated by the recorded approval (``approved_at``), never by the meeting read live."""
    return f"Approuvé par le Comité le {long_date(report.approved_at or report.session_at)}"


def next_step(meeting: ComiteMeeting, report: SemesterReport | None) -> str:
    """What happens next and who acts, in one sentence."""
    if meeting.status == MeetingStatus.CANCELLED:
        return "Cette séance est annulée : il n'y a rien à faire."
    if report is not None and report.is_approved:
        return "Le rapport est approuvé et figé : il ne changera plus."
    started = meeting.starts_at <= timezone.now()
    if report is None:
        if started:
            return "Le rapport n'a pas été généré : la MEL doit le générer pour le faire approuver."
        return "Le rapport doit être généré par la MEL avant la séance."
    if started:
        return "Le Comité a pu examiner le rapport : la MEL enregistre son approbation."
    return (
        "Le rapport est un document de travail : la MEL peut le générer de nouveau avec les "
        "chiffres du jour, puis le Comité l'approuvera en séance."
    )

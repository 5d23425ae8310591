"""The Comité métropolitain's pages: its meetings, a meeting, its semester report (page and
PDF), and MEL staff's two actions on the report (generate, record the approval).

MEL staff and the steering organisations chosen for a meeting read it (policy table);
everyone else gets a 403 on the list and a 404 on a meeting, which never says it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import get_visible_or_404, require_perm
from accounts.exceptions import ApplicationError
from accounts.http import AuthenticatedRequest
from accounts.policy import Scope, allows
from accounts.selectors import user_personas
from steering.comite import services
from steering.comite.pdf import semester_report_pdf
from steering.comite.selectors import meetings_visible_to, report_indicators, report_title
from steering.comite.wording import approval_line, next_step
from steering.indicators.types import Period
from steering.models import ComiteMeeting, SemesterReport

VIEW_PERM = "steering.view_comitemeeting"


def _may_read_meetings(request: AuthenticatedRequest) -> None:
    user = request.user
    if user.is_superuser or user.has_perm(VIEW_PERM):
        return
    if not any(allows(p, VIEW_PERM, Scope.LINKED) for p in user_personas(user)):
        raise PermissionDenied("Les séances du Comité métropolitain sont réservées à ses membres.")


@login_required
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    """Upcoming meetings first (soonest first), then past ones (latest first)."""
    _may_read_meetings(request)
    now = timezone.now()
    meetings = list(meetings_visible_to(request.user).order_by("starts_at"))
    upcoming = [m for m in meetings if m.starts_at >= now]
    past = [m for m in reversed(meetings) if m.starts_at < now]
    return render(
        request,
        "steering/comite/meeting_list.html",
        {"upcoming": upcoming, "past": past, "is_staff": request.user.has_perm(VIEW_PERM)},
    )


def _meeting(request: AuthenticatedRequest, pk: int) -> ComiteMeeting:
    return get_visible_or_404(request.user, meetings_visible_to(request.user), pk=pk)


def _report(meeting: ComiteMeeting) -> SemesterReport | None:
    try:
        return meeting.report
    except SemesterReport.DoesNotExist:
        return None


@login_required
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    report = _report(meeting)
    user = request.user
    return render(
        request,
        "steering/comite/meeting_detail.html",
        {
            "meeting": meeting,
            "members": list(meeting.members.select_related("user")),
            "agenda": list(meeting.agenda.all()),
            "report": report,
            "report_title": report_title(
                Period(report.period_start, report.period_end)
                if report
                else services.report_period(timezone.localdate(meeting.starts_at))
            ),
            "approval": approval_line(report) if report and report.is_approved else "",
            "next_step": next_step(meeting, report),
            "may_generate": user.has_perm("steering.generate_comitemeeting", meeting),
            "may_approve": user.has_perm("steering.approve_comitemeeting", meeting),
            "started": meeting.starts_at <= timezone.now(),
        },
    )


def _existing_report(request: AuthenticatedRequest, pk: int) -> SemesterReport:
    meeting = _meeting(request, pk)
    report = SemesterReport.objects.filter(meeting=meeting).first()
    if report is None:
        raise Http404("Le rapport de cette séance n'a pas encore été généré.")
    report.meeting = meeting
    return report


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _existing_report(request, pk)
    indicators = report_indicators(report)
    summary = [
        (section, figure) for section in indicators.sections for figure in section.figures[:3]
    ]
    return render(
        request,
        "steering/comite/report.html",
        {
            "meeting": report.meeting,
            "report": report,
            "indicators": indicators,
            "title": report.approved_title or report_title(indicators.period),
            "summary": summary,
            "approval": approval_line(report) if report.is_approved else "",
        },
    )


@login_required
def report_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The approved PDF as it was approved, byte for byte; a draft's, from its figures."""
    report = _existing_report(request, pk)
    frozen = report.pdf
    content = bytes(frozen) if frozen is not None else semester_report_pdf(report=report)
    period = Period(report.period_start, report.period_end)
    half = f"s{1 if period.start.month <= 6 else 2}" if period.is_semester else "periode"
    state = "approuve" if report.is_approved else "document-de-travail"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="comite-metropolitain-rapport-{period.start.year}-{half}-'
        f'{state}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _act(request: HttpRequest, meeting: ComiteMeeting, done: str, action: object) -> HttpResponse:
    try:
        action()  # type: ignore[operator]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("steering:comite_meeting", meeting.pk)


@require_POST
@login_required
def report_generate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require_perm(request.user, "generate", meeting)
    return _act(
        request,
        meeting,
        "Le rapport a été généré avec les chiffres du jour.",
        lambda: services.semester_report_generate(meeting=meeting, actor=request.user),
    )


@require_POST
@login_required
def report_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require_perm(request.user, "approve", meeting)
    report = _report(meeting)
    if report is None:
        messages.error(request, "Générez d'abord le rapport : il n'y a rien à approuver.")
        return redirect("steering:comite_meeting", meeting.pk)
    return _act(
        request,
        meeting,
        "L'approbation du Comité est enregistrée : le rapport est figé.",
        lambda: services.semester_report_approve(report=report, actor=request.user),
    )

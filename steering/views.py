"""The plan's indicators page: reads one kept snapshot, never the dossiers themselves.

The chosen period and scope come from the address; a snapshot not yet computed is asked of
a worker (at once in the demo, where Celery runs eagerly) and the page says so, with a link
to reload it (no timed refresh: WCAG 2.2.1 leaves the timing to the reader)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from steering.forms import PeriodForm
from steering.indicators.cells import threshold
from steering.indicators.types import Period, PlanIndicators
from steering.selectors import may_choose_any_period
from steering.services import is_nightly
from steering.snapshots import snapshot_get_or_start, snapshot_start

READ = "applicants.aggregate_project"
RECOMPUTE = "steering.recompute_indicatorsnapshot"


def _may_read(request: AuthenticatedRequest) -> None:
    if not request.user.has_perm(READ):
        raise PermissionDenied("Les indicateurs du plan sont réservés au pilotage et à la MEL.")


@login_required
def indicators(request: AuthenticatedRequest) -> HttpResponse:
    _may_read(request)
    any_period = may_choose_any_period(request.user)
    form = PeriodForm(request.GET or None, today=timezone.localdate(), any_period=any_period)
    context: dict[str, object] = {
        "form": form,
        "threshold": threshold(),
        "any_period": any_period,
    }
    if form.is_bound and not form.is_valid():
        return render(request, "steering/indicators.html", context)
    period = form.period() if form.is_bound else Period.semester_of(timezone.localdate())
    axis, programme = form.scope() if form.is_bound else (None, None)
    snapshot = snapshot_get_or_start(period, axis=axis, programme=programme)
    context.update(
        period=period,
        snapshot=snapshot,
        indicators=PlanIndicators.from_json(snapshot.data) if snapshot.data else None,
        may_recompute=request.user.has_perm(RECOMPUTE),
        query=request.GET.urlencode(),
        nightly=is_nightly(period, today=timezone.localdate()),
    )
    return render(request, "steering/indicators.html", context)


@require_POST
@login_required
def indicators_recompute(request: AuthenticatedRequest) -> HttpResponse:
    """MEL staff: compute the figures of the page's period again, now."""
    if not request.user.has_perm(RECOMPUTE):
        raise PermissionDenied("Seule l'équipe de la MEL peut recalculer les indicateurs.")
    query = request.POST.get("query", "")
    form = PeriodForm(_parse(query) or None, today=timezone.localdate())
    if form.is_bound and not form.is_valid():
        messages.error(request, "Cette période n'est pas valide : choisissez-la à nouveau.")
        return HttpResponseRedirect(reverse("steering:indicators"))
    period = form.period() if form.is_bound else Period.semester_of(timezone.localdate())
    axis, programme = form.scope() if form.is_bound else (None, None)
    snapshot_start(period, axis=axis, programme=programme)
    messages.success(
        request,
        "Le recalcul est lancé : les chiffres de cette page seront à jour dans quelques minutes.",
    )
    suffix = f"?{_parse(query).urlencode()}" if query else ""
    return HttpResponseRedirect(reverse("steering:indicators") + suffix)


def _parse(query: str) -> QueryDict:
    """The page's own query string, sent back by its recompute button: only its fields."""
    fields = ("periode", "du", "au", "axe", "programme")
    parsed = QueryDict(query[:1000], mutable=True)
    for key in [k for k in parsed if k not in fields]:
        del parsed[key]
    return parsed

"""The DPO's page on retention: each rule, what is due, what the last runs did, and a dry
run on demand. Only for those the policy lets see the runs (the DPO, administrators)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from privacy.retention.run import retention_run
from privacy.retention.selectors import retention_history, retention_overview

VIEW = "privacy.view_retentionrun"
SIMULATE = "privacy.simulate_retentionrun"


@login_required
def retention(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied(
            "Cette page est réservée au ou à la délégué·e à la protection des données."
        )
    history = retention_history()
    simulated = request.GET.get("simulation", "")
    simulation = next((h for h in history if str(h.run.pk) == simulated and h.run.dry_run), None)
    return render(
        request,
        "privacy/retention.html",
        {
            "rows": retention_overview(now=timezone.now()),
            "history": history,
            "simulation": simulation,
            "may_simulate": request.user.has_perm(SIMULATE),
            "run_hour": settings.RETENTION_RUN_HOUR,
        },
    )


@require_POST
@login_required
def retention_simulate(request: AuthenticatedRequest) -> HttpResponse:
    """Count what a run would do now, changing nothing; the result is shown on the page."""
    if not request.user.has_perm(SIMULATE):
        raise PermissionDenied(
            "Seul·e le ou la délégué·e à la protection des données peut lancer une simulation."
        )
    run = retention_run(dry_run=True, actor=request.user)
    messages.success(
        request, "Simulation terminée : rien n'a été modifié. Son résultat est ci-dessous."
    )
    return HttpResponseRedirect(f"{reverse('privacy:retention')}?simulation={run.pk}#simulation")

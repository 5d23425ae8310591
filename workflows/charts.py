"""Diagrams: each journey on its BPMN chart with step status; each flow as BPMN 2.0 XML.

They are the MEL team's working tools (node names, gateways): every other reader, the
applicant first, gets a 404 as if they did not exist; the dossier's status page tells them
where they are in their own words."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from viewflow.workflow import chart

from accounts.access import get_visible_or_404
from accounts.http import AuthenticatedRequest
from workflows import bpmn
from workflows.catalogue import FLOWS
from workflows.models import Application, Journey


# viewflow's If gateway hard-codes English captions on its two edges; the diagram is read
# by French users, so they are translated here rather than by patching viewflow.
def french_captions(svg: str) -> str:
    return svg.replace(">yes</text>", ">oui</text>").replace(">no</text>", ">non</text>")


def _staff_only(request: AuthenticatedRequest) -> None:
    if not request.user.is_staff:
        raise Http404("Page introuvable.")


def _process_chart(flow_class: Any, process_pk: int) -> HttpResponse:
    grid = chart.calc_layout_data(flow_class)
    chart.calc_cell_status(flow_class, grid, process_pk)
    return HttpResponse(french_captions(chart.grid_to_svg(grid)), content_type="image/svg+xml")


@login_required
def journey_chart(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    journey = get_visible_or_404(request.user, Journey.objects.all(), pk=pk)
    return _process_chart(journey.flow_class, journey.pk)


@login_required
def application_chart(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    application = get_visible_or_404(request.user, Application.objects.all(), pk=pk)
    return _process_chart(application.flow_class, application.pk)


@login_required
def flow_bpmn(request: AuthenticatedRequest, name: str) -> HttpResponse:
    """The flow's definition (no personal data) as BPMN 2.0, to open in bpmn.io."""
    _staff_only(request)
    flow_class = FLOWS.get(name)
    if flow_class is None:
        raise Http404("Schéma inconnu.")
    response = HttpResponse(bpmn.flow_bpmn(flow_class), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{name}.bpmn"'
    return response

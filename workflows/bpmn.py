"""Each flow as BPMN 2.0 XML, valid against the OMG schema whatever the locale and the flow's size.

viewflow draws the XML (``chart.grid_to_bpmn``); two things are fixed here, not in viewflow:

- localisation: viewflow's ``graph.bpmn`` template left it on, so under the project's "fr"
  locale the coordinates from 1000 up came out as "1 330" (not a number: the XSD rejects the
  file and bpmn.io reads 1). The project's ``templates/viewflow/workflow/graph.bpmn`` renders
  the same template with ``{% localize off %}``; tests/workflows/test_bpmn.py validates every
  flow against the XSD and checks that override still matches viewflow's template;
- captions: the If gateway's English "yes" / "no" edge names become "oui" / "non".
"""

from __future__ import annotations

from viewflow.workflow import chart
from viewflow.workflow.flow import Flow


def french_captions(bpmn: str) -> str:
    """The If gateway's hard-coded English edge names, in French (only sequenceFlow names)."""
    return bpmn.replace(' name="yes" ', ' name="oui" ').replace(' name="no" ', ' name="non" ')


def flow_bpmn(flow_class: type[Flow]) -> str:
    """The flow's definition (no process data) as a BPMN 2.0 document, to open in bpmn.io.

    The edges end on the shapes' borders (no gap for an SVG arrow head), as in viewflow's own
    ``flowexport --format bpmn``: bpmn.io draws the arrow heads itself.
    """
    grid = chart.calc_layout_data(flow_class, edge_start_gap_size=0, edge_end_gap_size=0)
    return french_captions(chart.grid_to_bpmn(grid))

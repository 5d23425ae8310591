"""Every flow's BPMN 2.0 export is valid BPMN, whatever the locale and the size of the flow.

"Valid" is checked two ways: against the OMG BPMN 2.0 XML schema (BPMN20.xsd with Semantic.xsd,
BPMNDI.xsd, DC.xsd, DI.xsd), and by the references the schema types as plain QNames (incoming,
outgoing, attachedToRef, default, bpmnElement...) all naming an element of the document.

The XSD set is the one the SpiffWorkflow dev dependency (LGPL-3.0, BPMN engine by Sartography)
ships under SpiffWorkflow/bpmn/parser/schema/; it is found through the installed distribution's
files (SpiffWorkflow is never imported) and lxml (BSD, libxml2) validates. Not vendored: the OMG
files carry no licence statement in their headers, so copying them into this AGPL repository
would need a licence we cannot point to; a pinned test-only dependency needs none.

Before the fix, under the project's "fr" locale, viewflow's template wrote the coordinates from
1000 up with a no-break space ("1 330"): 155 schema errors in candidature.bpmn, and bpmn.io read
the 1 only. The "de" locale ("1.330") even passed the schema with the wrong number, hence the
checks that the file is the same in every locale and carries the layout's own numbers.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import distribution
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import viewflow
from django.core.management import call_command
from django.template import Engine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from lxml import etree
from viewflow.workflow import chart

from accounts.models import User
from tests.conftest import login
from workflows.application.flows import ApplicationFlow
from workflows.bpmn import flow_bpmn
from workflows.catalogue import FLOWS
from workflows.journey.flows import JourneyFlow

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
# Attributes whose value is the id of another element of the file.
REFERENCE_ATTRIBUTES = (
    "sourceRef",
    "targetRef",
    "attachedToRef",
    "default",
    "bpmnElement",
    "sourceElement",
    "targetElement",
)
LOCALES = ["fr", "en", "de"]


@cache
def omg_bpmn_schema() -> Any:
    xsd = distribution("SpiffWorkflow").locate_file("SpiffWorkflow/bpmn/parser/schema/BPMN20.xsd")
    return etree.XMLSchema(etree.parse(str(xsd)))


def bpmn_errors(xml: str | bytes) -> list[str]:
    """Why the document is not valid BPMN 2.0: nothing when it is."""
    try:
        root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    except etree.XMLSyntaxError as error:
        return [f"not XML: {error}"]
    schema = omg_bpmn_schema()
    if not schema.validate(root):
        return [f"line {e.line}: {e.message}" for e in schema.error_log]
    ids = set(root.xpath("//@id"))
    errors = [
        f"line {el.sourceline}: {attr}={el.get(attr)!r} names no element"
        for el in root.iter()
        for attr in REFERENCE_ATTRIBUTES
        if el.get(attr) is not None and el.get(attr) not in ids
    ]
    errors += [
        f"line {el.sourceline}: {el.text!r} names no element"
        for el in root.iter(f"{{{BPMN}}}incoming", f"{{{BPMN}}}outgoing")
        if el.text not in ids
    ]
    drawn = {el.get("bpmnElement") for el in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    drawn |= {el.get("bpmnElement") for el in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    process = root.find(f"{{{BPMN}}}process")
    errors += [
        f"line {el.sourceline}: {el.get('id')} is not drawn"
        for el in process
        if el.get("id") not in drawn
    ]
    return errors


def failure(name: str, errors: list[str]) -> str:
    return f"{name}.bpmn: {len(errors)} error(s)\n" + "\n".join(errors[:20])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", list(FLOWS))
def test_every_flow_exports_valid_bpmn_in_any_locale(settings: Any, name: str, locale: str) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(locale):
        errors = bpmn_errors(flow_bpmn(FLOWS[name]))
    assert not errors, failure(name, errors)


@pytest.mark.parametrize("name", list(FLOWS))
def test_the_export_is_the_same_file_in_every_locale_and_number_format(
    settings: Any, name: str
) -> None:
    exports = set()
    for grouping in (True, False):
        settings.USE_THOUSAND_SEPARATOR = grouping
        for locale in LOCALES:
            with translation.override(locale):
                exports.add(flow_bpmn(FLOWS[name]))
    assert len(exports) == 1


def test_the_diagram_holds_the_layouts_numbers_from_1000_up(settings: Any) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("fr"):
        root = etree.fromstring(flow_bpmn(ApplicationFlow).encode())
    grid = chart.calc_layout_data(ApplicationFlow)
    expected = {
        f"id_node_{cell.node.name}": [
            cell.shape.x,
            cell.shape.y,
            cell.shape.width,
            cell.shape.height,
        ]
        for cell in grid.cells
    }
    written = {
        shape.get("bpmnElement"): [
            float(shape.find(f"{{{DC}}}Bounds").get(attr)) for attr in ("x", "y", "width", "height")
        ]
        for shape in root.iter(f"{{{BPMNDI}}}BPMNShape")
    }
    assert written == expected
    # The case that broke: the big flow's diagram runs past 1000 (written "1 330" in French).
    assert max(y for _, y, _, _ in written.values()) >= 1000


def test_coordinates_of_any_size_and_fractional_ones_are_plain_xsd_numbers(settings: Any) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    grid = chart.calc_layout_data(JourneyFlow)
    for cell in grid.cells:
        cell.shape.x, cell.shape.y = cell.shape.x * 10_000 + 0.5, cell.shape.y * 10_000 + 0.25
    for edge in grid.edges:
        edge.segments = [(x * 10_000 + 0.5, y * 10_000 + 0.25) for x, y in edge.segments]
    with translation.override("fr"):
        xml = chart.grid_to_bpmn(grid)

    errors = bpmn_errors(xml)
    assert not errors, failure("journey, scaled up", errors)
    root = etree.fromstring(xml.encode())
    cell = max(grid.cells, key=lambda cell: cell.shape.x)
    bounds = root.find(f".//{{{BPMNDI}}}BPMNShape[@bpmnElement='id_node_{cell.node.name}']/")
    assert bounds.get("x") == str(cell.shape.x)  # "8250000.5", not "8 250 000,5"
    waypoints = [float(p.get(axis)) for p in root.iter(f"{{{DI}}}waypoint") for axis in "xy"]
    assert max(waypoints) > 1_000_000


def test_the_published_schema_downloads_as_valid_bpmn(client: Client, mel_staff: User) -> None:
    login(client, mel_staff)

    response = client.get(
        reverse("workflows:flow_bpmn", args=["candidature"]), HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="candidature.bpmn"'
    errors = bpmn_errors(response.content)
    assert not errors, failure("candidature", errors)
    assert b' name="oui" ' in response.content
    assert b' name="yes" ' not in response.content


def test_export_bpmn_writes_each_flow_as_served(tmp_path: Path) -> None:
    out = StringIO()

    call_command("export_bpmn", str(tmp_path / "schemas"), stdout=out)

    written = {path.stem: path for path in (tmp_path / "schemas").iterdir()}
    assert set(written) == set(FLOWS)
    for name, path in written.items():
        assert path.read_text(encoding="utf-8") == flow_bpmn(FLOWS[name])
    assert len(out.getvalue().splitlines()) == len(FLOWS)


def test_the_template_override_is_viewflows_with_localisation_off(settings: Any) -> None:
    """templates/viewflow/workflow/graph.bpmn is the one rendered, and follows viewflow's."""
    name = "viewflow/workflow/graph.bpmn"
    project = Path(settings.BASE_DIR) / "templates" / name
    upstream = Path(viewflow.__file__).parent / "templates" / name
    assert Engine.get_default().get_template(name).origin.name == str(project)

    text = project.read_text(encoding="utf-8")
    assert "{% localize off %}<?xml" in text
    unwrapped = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.DOTALL)
    unwrapped = unwrapped.replace("{% localize off %}", "").replace("{% endlocalize %}", "")
    assert unwrapped == upstream.read_text(encoding="utf-8")


def test_the_checker_rejects_a_french_coordinate_and_a_dangling_reference() -> None:
    """The checks above can fail: on the two faults a broken export would show."""
    valid = flow_bpmn(JourneyFlow)
    french = re.sub(r'(<dc:Bounds x=")(\d+)"', r'\g<1>1 \2"', valid, count=1)
    dangling = valid.replace('attachedToRef="id_node_', 'attachedToRef="id_nothing_', 1)

    assert bpmn_errors(valid) == []
    assert "is not a valid value of the atomic type 'xs:double'" in bpmn_errors(french)[0]
    assert "names no element" in bpmn_errors(dangling)[0]

"""Every flow of the house, by the public name of its diagram (``/schemas/<name>.bpmn``).

The one module that knows all the flows: the inbox reads the permissions their steps ask
for, the diagrams and the BPMN export list them.
"""

from __future__ import annotations

from typing import Any

from funding.flows import FundingLineFlow
from reviewers.flows import ScoringFlow
from workflows.application.flows import ApplicationFlow
from workflows.journey.flows import JourneyFlow

FLOWS: dict[str, Any] = {
    "parcours": JourneyFlow,
    "candidature": ApplicationFlow,
    "notation": ScoringFlow,
    "ligne-de-financement": FundingLineFlow,
}

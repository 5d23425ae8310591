"""What the pages show of the tranches: each condition of a payment and, when unmet, why."""

from __future__ import annotations

from dataclasses import dataclass

from funding.models import Condition, Tranche
from funding.services import payments as services


@dataclass(frozen=True)
class ConditionRow:
    label: str
    blocker: str  # empty when the condition is met


@dataclass(frozen=True)
class TrancheRow:
    tranche: Tranche
    conditions: list[ConditionRow]

    @property
    def blockers(self) -> list[str]:
        return [c.blocker for c in self.conditions if c.blocker]

    @property
    def can_release(self) -> bool:
        return self.tranche.released_at is None and not self.blockers


def tranche_rows(tranches: list[Tranche]) -> list[TrancheRow]:
    """Each tranche with each of its conditions and, when unmet, why (in plain words)."""
    rows = []
    for tranche in tranches:
        conditions = []
        for code in tranche.conditions:
            if tranche.released_at is not None:
                blocker = ""
            else:
                # One condition at a time, so each reason sits next to its condition.
                single = Tranche(application=tranche.application, conditions=[code])
                blocker = " ".join(services.tranche_blockers(tranche=single))
            conditions.append(ConditionRow(str(Condition(code).label), blocker))
        rows.append(TrancheRow(tranche, conditions))
    return rows

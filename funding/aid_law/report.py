"""The aid-law report of a dossier: the checks registered here, run in order.

A check is a function ``(application) -> AidCheck | None`` (``None``: it does not apply to
this dossier). Check modules register themselves with ``aid_check``; the report is what
staff, the committee and the flow's aid-law gateway read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workflows.models import Application


class CheckStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"  # shown, does not stop the dossier
    BLOCKING = "blocking"  # the rule forbids going on as is
    UNKNOWN = "unknown"  # a figure is missing: shown, does not stop the dossier


@dataclass(frozen=True)
class Source:
    """A legal reference, e.g. « Règlement (UE) 2023/2831, art. 3 » with its address."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class AidCheck:
    code: str
    title: str
    status: CheckStatus
    summary: str  # one French sentence with the figures
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class AidReport:
    checks: tuple[AidCheck, ...]

    @property
    def blocking(self) -> tuple[AidCheck, ...]:
        return tuple(c for c in self.checks if c.status == CheckStatus.BLOCKING)

    @property
    def is_clear(self) -> bool:
        """Nothing forbids going on (warnings and unknowns are shown, not blocking)."""
        return not self.blocking


AidCheckFunction = Callable[["Application"], AidCheck | None]
CHECKS: list[AidCheckFunction] = []


def aid_check(function: AidCheckFunction) -> AidCheckFunction:
    """Register a check (decorator); checks run in the order their modules register them."""
    CHECKS.append(function)
    return function


def application_aid_report(*, application: Application) -> AidReport:
    found = (check(application) for check in CHECKS)
    return AidReport(checks=tuple(c for c in found if c is not None))

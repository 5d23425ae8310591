"""The journey's models; one module per flow."""

from .journey import (
    EventKind,
    Journey,
    JourneyEvent,
    JourneyStage,
    Orientation,
    OrientationOutcome,
    OrientationRule,
    SupportConclusion,
    SupportMilestone,
    SupportSession,
)

__all__ = [
    "EventKind",
    "Journey",
    "JourneyEvent",
    "JourneyStage",
    "Orientation",
    "OrientationOutcome",
    "OrientationRule",
    "SupportConclusion",
    "SupportMilestone",
    "SupportSession",
]

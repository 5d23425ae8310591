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
from .messaging import DossierMessage, MessageReceipt, PrivateNote

__all__ = [
    "DossierMessage",
    "EventKind",
    "Journey",
    "JourneyEvent",
    "JourneyStage",
    "MessageReceipt",
    "Orientation",
    "OrientationOutcome",
    "OrientationRule",
    "PrivateNote",
    "SupportConclusion",
    "SupportMilestone",
    "SupportSession",
]

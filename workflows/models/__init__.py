"""The journey's models; one module per flow."""

from workflows.models.application import (
    Application,
    ApplicationAxis,
    ApplicationEdit,
    ApplicationEvent,
    ApplicationStatus,
    BudgetKind,
    BudgetLine,
    ChecklistItem,
    ComplementRequest,
    EligibilityCheck,
    FinancingLine,
    FinancingStatus,
    Mandate,
)
from workflows.models.first_contact import PendingFirstContact
from workflows.models.history import StageChange
from workflows.models.journey import (
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
from workflows.models.messaging import DossierMessage, MessageReceipt, PrivateNote

__all__ = [
    "Application",
    "ApplicationAxis",
    "ApplicationEdit",
    "ApplicationEvent",
    "ApplicationStatus",
    "BudgetKind",
    "BudgetLine",
    "ChecklistItem",
    "ComplementRequest",
    "DossierMessage",
    "EligibilityCheck",
    "EventKind",
    "FinancingLine",
    "FinancingStatus",
    "Journey",
    "JourneyEvent",
    "JourneyStage",
    "Mandate",
    "MessageReceipt",
    "Orientation",
    "OrientationOutcome",
    "OrientationRule",
    "PendingFirstContact",
    "PrivateNote",
    "StageChange",
    "SupportConclusion",
    "SupportMilestone",
    "SupportSession",
]

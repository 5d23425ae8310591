"""The committee's records: its sessions, each member's scoring of a dossier, conflicts of
interest and the session's deliberation."""

from reviewers.models.selection import (
    ConflictDeclaration,
    CriterionScore,
    Deliberation,
    Outcome,
    Scoring,
)
from reviewers.models.sessions import CommitteeSession, SessionStatus

__all__ = [
    "CommitteeSession",
    "ConflictDeclaration",
    "CriterionScore",
    "Deliberation",
    "Outcome",
    "Scoring",
    "SessionStatus",
]

"""The steering app's records: indicator snapshots, the Comité métropolitain's meetings and
semester reports."""

from steering.models.comite import (
    AgendaItem,
    ComiteMeeting,
    ComiteMember,
    MeetingStatus,
    SemesterReport,
)
from steering.models.indicators import IndicatorSnapshot

__all__ = [
    "AgendaItem",
    "ComiteMeeting",
    "ComiteMember",
    "IndicatorSnapshot",
    "MeetingStatus",
    "SemesterReport",
]

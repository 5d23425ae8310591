"""The steering app's records: the Comité métropolitain's meetings and semester reports."""

from steering.models.comite import (
    AgendaItem,
    ComiteMeeting,
    ComiteMember,
    MeetingStatus,
    SemesterReport,
)

__all__ = ["AgendaItem", "ComiteMeeting", "ComiteMember", "MeetingStatus", "SemesterReport"]

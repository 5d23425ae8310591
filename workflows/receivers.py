"""Thin receivers of the workflows app: each hands over to ``workflows.notify_members``."""

from __future__ import annotations

from typing import Any

from workflows import notify_members


def membership_changed(sender: Any, *, by: Any, **kwargs: Any) -> None:
    """A person changed an organisation's members: the organisation and the person are told.
    Changes the platform makes itself (the demo seed, a command) are audited, not told."""
    if by is None:
        return
    notify_members.membership_changed(
        organisation=kwargs["organisation"],
        user=kwargs["user"],
        change=kwargs["change"],
        role=kwargs["role"],
        previous_role=kwargs["previous_role"],
        by=by,
    )

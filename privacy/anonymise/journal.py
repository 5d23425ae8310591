"""The audit record of an anonymisation or a deletion: what was done, counted, and to which
dossier or account by number — never a name, an address or a text of the person."""

from __future__ import annotations

from typing import Any

from audit.context import current_actor
from audit.models import AuditAction
from audit.services import audit_record


def journal(*, object_ref: str, dossier_ref: str = "", summary: str, after: dict[str, Any]) -> None:
    # A decision of the controller (the MEL) under its retention rules: DECISION is the
    # trail's action for those; the nightly run has no actor, a DPO's request has one.
    audit_record(
        action=AuditAction.DECISION,
        actor=current_actor(),
        object_ref=object_ref,
        dossier_ref=dossier_ref,
        summary=summary,
        after=after,
    )

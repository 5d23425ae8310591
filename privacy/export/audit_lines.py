"""The audit trail's lines about one person, for their export.

``audit.selectors.records_about_user(user_id=…)`` gives them as readable lines where it
exists (every line whose actor or subject is the person); until it does, the lines the
person did themselves, rendered simply. One query either way.
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit import selectors as audit_selectors
from audit.models import AuditRecord


def audit_lines_about(user: User) -> list[dict[str, Any]]:
    records_about_user = getattr(audit_selectors, "records_about_user", None)
    if records_about_user is not None:
        return [_line(item) for item in records_about_user(user_id=user.pk)]
    return [_line(r) for r in AuditRecord.objects.filter(actor_id=user.pk).order_by("seq")]


def _line(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    if isinstance(item, AuditRecord):
        return {
            "numéro": item.seq,
            "date": item.at.isoformat(),
            "action": str(item.get_action_display()),
            "résumé": item.summary,
            "dossier": item.dossier_ref,
        }
    return {"ligne": str(item)}

"""The audit trail's lines about one person, for their export.

``audit.selectors.records_about_user(user_id=…)`` gives every record whose actor or subject
is the person, each as an ``AuditLine`` whose actor and text carry people's labels (« Nom
<adresse> »). The export gives them in French, with the person as « vous » and anybody else
as « une autre personne » (art. 15-4: another person's identity is theirs, not the
requester's) — a staff member who granted a right is named by nobody. One query for the
person's labels, three for the records.
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit.identities import user_label
from audit.models import AuditIdentity
from audit.selectors import ERASED, SYSTEM, AuditLine, records_about_user

YOU = "vous"
SOMEONE_ELSE = "une autre personne"


def audit_lines_about(user: User) -> list[dict[str, Any]]:
    own = _own_labels(user)
    return [_line(item, own) for item in records_about_user(user_id=user.pk)]


def _own_labels(user: User) -> set[str]:
    """The labels the records may carry for the person: the current one, the one their
    identity row keeps (refreshed lazily), their address."""
    stored = AuditIdentity.objects.filter(user_id=user.pk).values_list("label", flat=True)
    return {label for label in (user_label(user), *stored, user.get_username()) if label}


def _who(label: str, own: set[str]) -> str:
    if label in own:
        return YOU
    if label in (str(SYSTEM), str(ERASED)):
        return label
    return SOMEONE_ELSE


def _line(item: AuditLine, own: set[str]) -> dict[str, Any]:
    text = item.text
    for label in sorted(own, key=len, reverse=True):  # « Nom <adresse> » before « adresse »
        text = text.replace(label, YOU)
    if _who(item.actor, own) == SOMEONE_ELSE:
        text = text.replace(item.actor, SOMEONE_ELSE)
    return {
        "numéro": item.seq,
        "date": item.at.isoformat(),
        "action": item.action_label,
        "auteur": _who(item.actor, own),
        "résumé": text,
        "objet": item.object_ref,
        "dossier": item.dossier_ref,
    }

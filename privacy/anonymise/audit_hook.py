"""The one place privacy reaches the audit trail's erasure of identities.

``audit.services.audit_identities_erase(*, user_ids) -> int`` forgets the pseudonymous
mapping of people in the hash-chained trail (its records keep verifying). It is written on
another branch: until both are merged, this adapter calls it only when it exists. The
integrator may call it directly once it does.
"""

from __future__ import annotations

from collections.abc import Collection

from audit import services as audit_services


def forget_in_audit(user_ids: Collection[int]) -> int:
    """Erase the audit trail's mapping of ``user_ids``; the number of mappings erased."""
    erase = getattr(audit_services, "audit_identities_erase", None)
    if erase is None or not user_ids:
        return 0
    return int(erase(user_ids=list(user_ids)))

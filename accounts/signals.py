"""Signals accounts sends; receivers live in the apps above it (accounts imports none)."""

from django.dispatch import Signal

# A membership was added, its role changed, or it ended (``accounts.services``), in the
# transaction of the change. Arguments: ``organisation``, ``user``, ``change`` (one of
# ``MEMBERSHIP_CHANGES``), ``role`` (after the change; before it for a removal),
# ``previous_role`` (``""`` when added), ``by`` (who changed it; ``None``: the platform
# itself — the demo seed, a command). The audit trail records it, and the organisation
# and the person are told (``workflows.notify``).
membership_changed = Signal()

ADDED, ROLE_CHANGED, REMOVED = "added", "role_changed", "removed"
MEMBERSHIP_CHANGES = (ADDED, ROLE_CHANGED, REMOVED)

"""Signals accounts sends; receivers live in the apps above it (accounts imports none)."""

from django.dispatch import Signal

# Sent by ``accounts.services.access_revoke`` after an organisation's linked permissions on
# one object were withdrawn: the relationship behind them has ended.
# Provides: organisation, obj, codenames (the ``<action>_<model>`` withdrawn).
access_revoked = Signal()

# Sent by ``accounts.services.access_grant_all`` after an organisation's group was granted
# linked permissions on objects (one signal per call, whatever the number of objects).
# Provides: organisation, objects.
access_granted = Signal()

# A membership was added, its role changed, or it ended (``accounts.services``), in the
# transaction of the change. Arguments: ``organisation``, ``user``, ``change`` (one of
# ``MEMBERSHIP_CHANGES``), ``role`` (after the change; before it for a removal),
# ``previous_role`` (``""`` when added), ``by`` (who changed it; ``None``: the platform
# itself — the demo seed, a command). The audit trail records it, and the organisation
# and the person are told (``workflows.notify``).
membership_changed = Signal()

ADDED, ROLE_CHANGED, REMOVED = "added", "role_changed", "removed"
MEMBERSHIP_CHANGES = (ADDED, ROLE_CHANGED, REMOVED)

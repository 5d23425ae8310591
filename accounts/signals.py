"""Signals of the accounts app (declared only; receivers live with the apps that listen)."""

from django.dispatch import Signal

# Sent by ``accounts.services.access_revoke`` after an organisation's linked permissions on
# one object were withdrawn: the relationship behind them has ended.
# Provides: organisation, obj, codenames (the ``<action>_<model>`` withdrawn).
access_revoked = Signal()

# Sent by ``accounts.services.access_grant_all`` after an organisation's group was granted
# linked permissions on objects (one signal per call, whatever the number of objects).
# Provides: organisation, objects.
access_granted = Signal()

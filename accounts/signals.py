"""Signals of the accounts app (declared only; receivers live with the apps that listen)."""

from django.dispatch import Signal

# Sent by ``accounts.services.access_revoke`` after an organisation's linked permissions on
# one object were withdrawn: the relationship behind them has ended.
# Provides: organisation, obj, codenames (the ``<action>_<model>`` withdrawn).
access_revoked = Signal()

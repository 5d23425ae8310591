"""Domain signals of the money, sent in the transaction of the change they announce (the
API turns them into webhooks for the partners who may see the object)."""

from django.dispatch import Signal

# A financier's decision on its line is final (granted, countersigned or declined): ``line``.
line_decided = Signal()
# MEL staff ordered the payment of a tranche: ``tranche``.
tranche_released = Signal()

"""The modules that declare retention rules, imported once at start-up (``PrivacyConfig``).

Their order is the order of a run and of the DPO's page: the dossiers' own rules first
(a contact deleted, a dossier anonymised), so that the accounts' rule then finds what
still refers to each account.
"""

from __future__ import annotations

import importlib

RULE_MODULES = [
    "privacy.retention.dossier_rules",
    "privacy.retention.first_contact_rules",
    "privacy.retention.technical_rules",
    "privacy.retention.document_rules",
    "privacy.retention.payment_rules",
    "privacy.retention.account_rules",
]


def load_rules() -> None:
    """Import every module of ``RULE_MODULES`` (each registers its rules once)."""
    for module in RULE_MODULES:
        importlib.import_module(module)

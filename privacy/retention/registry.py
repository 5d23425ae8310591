"""The modules that declare retention rules (``privacy.retention.rules.register``), imported
once when the app is ready; their order is the order of ``RULES`` (and of a run)."""

from __future__ import annotations

from importlib import import_module

RULE_MODULES = ["privacy.retention.dossier_rules"]


def load_rules() -> None:
    """Import every module of ``RULE_MODULES`` (a module already imported is not run again)."""
    for name in RULE_MODULES:
        import_module(name)

"""The steering app's admin pages (registered by their modules)."""

from steering.comite import admin as comite_admin  # noqa: F401

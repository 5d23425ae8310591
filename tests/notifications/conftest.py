"""Fixtures shared with the workflow tests."""

from tests.workflows.conftest import roubaix  # noqa: F401 (a fixture, used by name)

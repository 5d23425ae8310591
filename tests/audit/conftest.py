"""The journey fixtures of the workflow tests, for driving real flows."""

from tests.workflows.conftest import roubaix  # noqa: F401 (a fixture, used by name)

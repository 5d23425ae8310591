"""The committee's pages are tested on dossiers brought to the agenda over HTTP, as the
workflow tests do: their fixtures are shared here."""

from tests.workflows.conftest import on_agenda, roubaix

__all__ = ["on_agenda", "roubaix"]

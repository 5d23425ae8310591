"""The plan's indicators: see ``types`` for their shape."""

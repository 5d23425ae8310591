"""URL converters. ``<id:pk>``, used by every project URL instead of Django's unbounded
``<int:…>``: a path id longer than a database key is no URL of ours (404), instead of an
``OverflowError`` or a "bigint out of range" in the query (a 500)."""

from __future__ import annotations


class BoundedIntConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)

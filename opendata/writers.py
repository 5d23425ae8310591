"""The SCDL files, written as the schema says, one row at a time (constant memory).

CSV: UTF-8 without BOM, comma-separated, the header in the schema's order, dates
``AAAA-MM-JJ``, decimals with a dot, ``oui``/``non`` for the boolean — the rules of the
SCDL « Subventions » schema kept in ``opendata/schemas/``. JSON: an array of objects with
the same names, numbers as numbers and the boolean as ``true``/``false``,
an optional field left empty as ``null``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from opendata.selectors import GrantRow

SCHEMA_VERSION = "2.1.1"
SCHEMA_PATH = Path(__file__).parent / "schemas" / f"scdl-subventions-{SCHEMA_VERSION}.json"


@cache
def schema() -> dict[str, Any]:
    """The SCDL Table Schema in force, as kept in the project."""
    return dict(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def field_names() -> list[str]:
    return [f["name"] for f in schema()["fields"]]


class _Line:
    """A file-like that hands back what csv.writer writes (one line per call)."""

    def write(self, value: str) -> str:
        return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def scdl_csv(rows: Iterable[GrantRow]) -> Iterator[bytes]:
    """The CSV file, line by line, as UTF-8 bytes."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    names = field_names()
    yield str(writer.writerow(names)).encode()
    for row in rows:
        values = asdict(row)
        yield str(writer.writerow([_text(values[name]) for name in names])).encode()


def _json_value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value)  # two decimals at most: the float prints back the same digits
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if value != "" else None  # an optional field left empty


def scdl_json(rows: Iterable[GrantRow]) -> Iterator[bytes]:
    """The JSON file (an array of objects), object by object, as UTF-8 bytes."""
    names = field_names()
    yield b"["
    separator = "\n"
    for row in rows:
        values = asdict(row)
        obj = {name: _json_value(values[name]) for name in names}
        yield (separator + json.dumps(obj, ensure_ascii=False)).encode()
        separator = ",\n"
    yield b"\n]\n"

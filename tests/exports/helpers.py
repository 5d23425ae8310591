"""Reading a list page and its export side by side."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from django.test import Client
from django.urls import reverse

from exports.registry import list_export
from exports.writers import BOM


def export_url(name: str, query: str = "", fmt: str = "csv") -> str:
    return f"{reverse('exports:export', args=[name])}?{query}&format={fmt}".replace("?&", "?")


def read_csv(response: Any) -> list[list[str]]:
    body = b"".join(cast(Any, response).streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.removeprefix(BOM)), delimiter=";"))


def page_and_export(
    client: Client, name: str, query: str = ""
) -> tuple[list[Any], list[list[str]]]:
    """The rows the list page shows (one page: tests stay under 25 rows) and the export's."""
    export = list_export(name)
    assert export is not None
    page = client.get(f"{reverse(export.page)}?{query}")
    assert page.status_code == 200
    response = client.get(export_url(name, query))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(page.context["page"].object_list), read_csv(response)

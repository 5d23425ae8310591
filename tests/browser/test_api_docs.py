"""The API's docs page in Chromium under the real CSP: Swagger UI renders the schema from
our own files and the browser reports no violation."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_docs_render_with_no_csp_violation(page: Any, live_server: Any) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")
    assert "API Entreprendre Autrement" in page.inner_text(".swagger-ui .info .title")
    assert violations == []

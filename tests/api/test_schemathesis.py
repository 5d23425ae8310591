"""Schemathesis against the generated OpenAPI schema, through the WSGI application with a
real key: every operation gets generated queries (filters, pages, periods, ids), and every
answer must be no server error and conform to the schema (status code, content type,
headers, body). A bounded number of examples keeps it under a minute; the summary is
written under the test's tmp dir and printed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.django_db

EXAMPLES = 8
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application inside the test's transaction: like Django's test
    client, it must not close the connection at each request (PostgreSQL would lose it)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_the_api_conforms_to_its_schema_with_no_server_error(
    api_world: ApiWorld, tmp_path: Path, wsgi_app: Any
) -> None:
    app = wsgi_app
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    ids = {
        "/api/v1/dossiers/{id}/": [api_world.a.pk, api_world.b.pk],
        "/api/v1/decisions/{id}/": [api_world.decision_a.pk],
        "/api/v1/lignes-financement/{id}/": [api_world.line_a.pk],
        "/api/v1/tranches/{id}/": [t.pk for t in api_world.tranches_a],
    }
    figures: dict[str, Any] = {"operations": 0, "examples": 0, "failures": []}
    statuses: dict[int, int] = {}
    for persona in ("mel", "financier_f"):
        headers = {"Authorization": f"Bearer {api_world.keys[persona]}"}
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]
            figures["operations"] += persona == "mel"
            strategies = [operation.as_strategy()]
            for pk in ids.get(operation.path, []):
                strategies.append(operation.as_strategy(path_parameters={"id": pk}))
            for strategy in strategies:
                _run(strategy, headers, figures, statuses, operation.label, persona)
    summary = (
        f"schemathesis: {figures['operations']} operations, {figures['examples']} examples "
        f"(2 keys), {len(figures['failures'])} failures; statuses {dict(sorted(statuses.items()))}"
    )
    report = tmp_path / "schemathesis-summary.txt"
    report.write_text(summary + "\n" + "\n".join(figures["failures"]) + "\n", encoding="utf-8")
    print(summary, f"(written to {report})")  # noqa: T201
    print("\n".join(figures["failures"][:20]))  # noqa: T201
    assert figures["failures"] == []
    assert figures["operations"] == 9


def _run(
    strategy: Any,
    headers: dict[str, str],
    figures: dict[str, Any],
    statuses: dict[int, int],
    label: str,
    persona: str,
) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def probe(case: Any) -> None:
        figures["examples"] += 1
        response = case.call(headers=headers)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (
            Exception,
            BaseExceptionGroup,
        ) as error:  # every failure is collected and shown, not just the first
            figures["failures"].append(f"{persona} {label} {case.formatted_path}: {error}"[:800])

    probe()

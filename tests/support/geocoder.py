"""A real local stand-in for the national address API, so tests never reach the Internet.

The ``geocoder`` fixture starts an HTTP server on 127.0.0.1 (ephemeral port) in a thread,
points ``settings.GEOCODER_URL`` at it and answers ``GET /search/?q=…`` like
api-adresse.data.gouv.fr from canned answers the test sets. It can also be down (connection
refused), slow (longer than the client timeout) or failing (HTTP 500).
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


def address_feature(
    lon: float,
    lat: float,
    *,
    score: float = 0.95,
    label: str = "1 Rue de Test 59100 Roubaix",
    citycode: str = "59512",
    postcode: str = "59100",
    result_type: str = "housenumber",
) -> dict[str, Any]:
    """One GeoJSON feature shaped like the API's."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "label": label,
            "score": score,
            "citycode": citycode,
            "postcode": postcode,
            "type": result_type,
        },
    }


class FakeAddressApi:
    """Canned answers keyed by a fragment of ``q`` (case-insensitive); else nothing found."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.requests: list[dict[str, str]] = []
        self.status = 200
        self.delay = 0.0
        self.raw_body: bytes | None = None
        self._release = threading.Event()  # lets a "slow" handler finish at teardown
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown (at every teardown) from costing half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        self._running = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}/search/"

    def answer(self, fragment: str, lon: float, lat: float, **properties: Any) -> None:
        """Answer queries containing ``fragment`` with one address at (lon, lat)."""
        self.answers[fragment.lower()] = {
            "type": "FeatureCollection",
            "features": [address_feature(lon, lat, **properties)],
        }

    def answer_payload(self, fragment: str, payload: Any) -> None:
        self.answers[fragment.lower()] = payload

    def slow(self, seconds: float) -> None:
        self.delay = seconds

    def fail(self, status: int = 500) -> None:
        self.status = status

    def garble(self, body: bytes = b"<html>pas du JSON</html>") -> None:
        self.raw_body = body

    def down(self) -> None:
        """Stop listening: the URL now points at a closed port (connection refused)."""
        self.close()

    def close(self) -> None:
        self._release.set()
        if self._running:
            self._running = False
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    def _payload_for(self, query: str) -> Any:
        for fragment, payload in self.answers.items():
            if fragment in query.lower():
                return payload
        return {"type": "FeatureCollection", "features": []}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                api.requests.append(params)
                if api.delay:
                    api._release.wait(api.delay)
                body = api.raw_body or json.dumps(api._payload_for(params.get("q", ""))).encode()
                try:
                    self.send_response(api.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test): nothing to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler


@pytest.fixture
def geocoder(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAddressApi]:
    """A local address API; ``settings.GEOCODER_URL`` points at it for the test."""
    # A proxy from the environment must not intercept calls to the local server.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    api = FakeAddressApi()
    settings.GEOCODER_URL = api.url
    try:
        yield api
    finally:
        api.close()

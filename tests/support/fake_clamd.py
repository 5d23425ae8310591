"""A fake clamd on 127.0.0.1 (random free port) speaking INSTREAM: it answers
``stream: Eicar-Signature FOUND`` when the stream holds the EICAR test string and
``stream: OK`` otherwise. Never the Internet; one thread per connection."""

from __future__ import annotations

import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# The standard antivirus test string (harmless by design), split so this file is not
# itself flagged by a real scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        command = self._read_until_nul()
        if command not in (b"zINSTREAM", b"nINSTREAM"):
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        stream = b""
        while True:
            size = struct.unpack(">I", self._read_exact(4))[0]
            if size == 0:
                break
            stream += self._read_exact(size)
        self.server.streams.append(len(stream))  # type: ignore[attr-defined]
        verdict = b"Eicar-Signature FOUND" if EICAR in stream else b"OK"
        self.request.sendall(b"stream: " + verdict + b"\0")

    def _read_exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            block = self.request.recv(size - len(data))
            if not block:
                raise ConnectionError("client went away")
            data += block
        return data

    def _read_until_nul(self) -> bytes:
        data = b""
        while not data.endswith(b"\0"):
            block = self.request.recv(1)
            if not block:
                break
            data += block
        return data.rstrip(b"\0")


class FakeClamd(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.streams: list[int] = []

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.server_address[1]}"


@contextmanager
def running_fake_clamd() -> Iterator[FakeClamd]:
    server = FakeClamd()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """A local address where nothing listens (the port was just released)."""
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as probe:
        port = probe.server_address[1]
    return f"tcp://127.0.0.1:{port}"

"""clamd adapter: the INSTREAM protocol over TCP, from the stdlib only.

Protocol: send ``zINSTREAM\\0``, then chunks each prefixed by its length as a 4-byte
big-endian integer, then a zero-length chunk; clamd answers ``stream: OK\\0`` or
``stream: <signature> FOUND\\0`` (or ``... ERROR\\0``, e.g. when the stream exceeds its
``StreamMaxLength``).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

CHUNK_SIZE = 64 * 1024
REPLY_MAX = 4096


class ScannerUnavailable(Exception):
    """clamd could not give a verdict (unreachable, timeout, error reply)."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""


def clamd_address(url: str) -> tuple[str, int]:
    """``tcp://host:port`` → ``(host, port)``."""
    parts = urlsplit(url)
    if parts.scheme != "tcp" or not parts.hostname or parts.port is None:
        raise ScannerUnavailable(f"CLAMD_URL must look like tcp://host:port, not {url!r}")
    return parts.hostname, parts.port


def _chunks(data: bytes) -> Iterable[bytes]:
    for start in range(0, len(data), CHUNK_SIZE):
        yield data[start : start + CHUNK_SIZE]


def scan_bytes(data: bytes, *, url: str, timeout: float) -> ScanResult:
    """Stream ``data`` to the clamd at ``url`` and return its verdict."""
    host, port = clamd_address(url)
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.sendall(b"zINSTREAM\0")
            for chunk in _chunks(data):
                connection.sendall(struct.pack(">I", len(chunk)) + chunk)
            connection.sendall(struct.pack(">I", 0))
            reply = _read_reply(connection)
    except OSError as error:  # refused, reset, timeout (socket.timeout is an OSError)
        raise ScannerUnavailable(str(error)) from error
    return parse_reply(reply)


def _read_reply(connection: socket.socket) -> str:
    received = b""
    while b"\0" not in received and len(received) < REPLY_MAX:
        block = connection.recv(1024)
        if not block:
            break
        received += block
    return received.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def parse_reply(reply: str) -> ScanResult:
    """``stream: OK`` → clean; ``stream: X FOUND`` → infected by X; anything else raises."""
    _, _, verdict = reply.partition(": ")
    if verdict == "OK":
        return ScanResult(infected=False)
    if verdict.endswith(" FOUND"):
        return ScanResult(infected=True, signature=verdict.removesuffix(" FOUND").strip())
    raise ScannerUnavailable(f"unexpected clamd reply: {reply!r}")

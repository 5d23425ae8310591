"""Posting the webhook outbox: each delivery claimed with a lease (one UPDATE), posted
outside any transaction (no lock held while a partner answers), then marked.

At least once: a worker that dies after the partner answered leaves the delivery pending and
it is posted again when its lease ends, with the same ``X-MEL-Event-Id`` so the partner drops
the copy. A failure (no answer in time, refused connection, a status other than 2xx) is
retried with a growing delay; ``API_WEBHOOK_MAX_ATTEMPTS`` failures mark it failed.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import logging
import socket
import ssl
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from api.models import DeliveryState, WebhookDelivery
from api.services.webhooks import webhook_address, webhook_still_allowed
from api.signing import signature_header

logger = logging.getLogger(__name__)

# 30 s, 1 min, 2 min … then every 6 hours: with API_WEBHOOK_MAX_ATTEMPTS (24) a partner
# down for three days still gets its events.
BACKOFF_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 3600


def backoff(attempts: int) -> datetime.timedelta:
    exponent = min(attempts - 1, 20)  # 30 s * 2**20 is far past the cap
    return datetime.timedelta(seconds=min(BACKOFF_SECONDS * 2**exponent, BACKOFF_CAP_SECONDS))


def _claim(pk: int) -> bool:
    """Take the delivery for as long as one attempt can last; False if it is not due,
    already taken, or no longer pending."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.API_WEBHOOK_TIMEOUT_SECONDS + 30)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        WebhookDelivery.objects.filter(due, pk=pk, state=DeliveryState.PENDING).update(
            next_attempt_at=lease
        )
    )


def deliver_one(pk: int) -> bool:
    """Post one due delivery; True when the partner acknowledged it (2xx)."""
    if not _claim(pk):
        return False
    delivery = WebhookDelivery.objects.select_related(
        "subscription__organisation__group", "content_type"
    ).get(pk=pk)
    subscription = delivery.subscription
    refused = webhook_still_allowed(delivery)
    if refused:
        _record(delivery, None, refused, final=True)
        return False
    # Resolved and checked again now: the name may point elsewhere since the subscription.
    address, problem = webhook_address(subscription.url)
    if problem:
        _record(delivery, None, problem, final=True)
        return False
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "MEL-Entreprendre-Autrement-Webhooks/1",
        "X-MEL-Event": delivery.event,
        "X-MEL-Event-Id": delivery.idempotency_key,
        "X-MEL-Signature": signature_header(subscription.secret, int(time.time()), body),
    }
    status, error = post(subscription.url, address=address, body=body, headers=headers)
    if status is not None and 200 <= status < 300:
        WebhookDelivery.objects.filter(pk=pk).update(
            state=DeliveryState.DELIVERED,
            attempts=F("attempts") + 1,
            last_status=status,
            last_error="",
            delivered_at=timezone.now(),
            next_attempt_at=None,
        )
        return True
    _record(delivery, status, error)
    return False


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address checked by ``webhook_address``, not to a second lookup."""

    def __init__(self, host: str, port: int | None, *, address: str | None, **kw: Any):
        super().__init__(host, port, **kw)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address or self.host, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the certificate is still verified against the host name (SNI)."""

    def __init__(self, host: str, port: int | None, *, address: str | None, **kw: Any):
        super().__init__(host, port, context=ssl.create_default_context(), **kw)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address or self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _cut(connection: http.client.HTTPConnection, cut: threading.Event) -> None:
    """The deadline is reached: close the socket under whatever read or write waits on it
    (what was read so far is no answer, even if it parses as one)."""
    cut.set()
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def post(
    url: str, *, address: str | None, body: bytes, headers: dict[str, str]
) -> tuple[int | None, str]:
    """POST and read the status line only, all within ``API_WEBHOOK_TIMEOUT_SECONDS`` in
    total (a partner trickling its answer cannot hold the worker). The reason is told in
    words, never with a network detail (no oracle on what answers where)."""
    timeout = settings.API_WEBHOOK_TIMEOUT_SECONDS
    too_slow = f"Pas de réponse du partenaire dans le délai ({timeout:g} s)."
    parts = urlsplit(url)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    cut = threading.Event()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connection = kind(parts.hostname or "", port, address=address, timeout=timeout)
    watchdog = threading.Timer(timeout, _cut, args=(connection, cut))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", target, body=body, headers=headers)
        status = connection.getresponse().status  # the status line and headers, no body
    except TimeoutError:
        return None, too_slow
    except ssl.SSLError:
        if cut.is_set():
            return None, too_slow
        return None, "Le certificat du partenaire n'a pas pu être vérifié."
    except (OSError, http.client.HTTPException, ValueError):
        if cut.is_set():
            return None, too_slow
        return None, "Adresse injoignable ou réponse illisible."
    finally:
        watchdog.cancel()
        connection.close()
    if cut.is_set():
        return None, too_slow
    if 200 <= status < 300:
        return status, ""
    return status, f"Le partenaire a répondu {status} au lieu de 2xx."


def _record(
    delivery: WebhookDelivery, status: int | None, error: str, *, final: bool = False
) -> None:
    attempts = delivery.attempts + 1
    failed = final or attempts >= settings.API_WEBHOOK_MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        last_status=status,
        last_error=error[:300],
        state=DeliveryState.FAILED if failed else DeliveryState.PENDING,
        next_attempt_at=None if failed else timezone.now() + backoff(attempts),
    )
    logger.warning("Webhook %s not delivered (attempt %s): %s", delivery.pk, attempts, error)


def due_for_relay(*, limit: int = 500) -> list[int]:
    """Deliveries whose retry is due, or still untried a while after they were written (their
    delivery request was lost with a broker outage or a worker crash), oldest first."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.API_WEBHOOK_RELAY_AFTER_SECONDS)
    due = Q(next_attempt_at__isnull=True, created_at__lte=cutoff) | Q(next_attempt_at__lte=now)
    return list(
        WebhookDelivery.objects.filter(due, state=DeliveryState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )

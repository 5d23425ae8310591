"""Posting the webhook outbox: each delivery claimed with a lease (one UPDATE), posted
outside any transaction (no lock held while a partner answers), then marked.

At least once: a worker that dies after the partner answered leaves the delivery pending and
it is posted again when its lease ends, with the same ``X-MEL-Event-Id`` so the partner drops
the copy. A failure (no answer in time, refused connection, a status other than 2xx) is
retried with a growing delay; ``API_WEBHOOK_MAX_ATTEMPTS`` failures mark it failed.
"""

from __future__ import annotations

import datetime
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from api.models import DeliveryState, WebhookDelivery
from api.services.webhooks import webhook_url_problem
from api.signing import signature_header

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 30  # 30 s, 1 min, 2 min … capped at an hour
BACKOFF_CAP_SECONDS = 3600


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is an answer to record, not an address to follow


_opener = urllib.request.build_opener(_NoRedirect)


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(
        seconds=min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS)
    )


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
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=pk)
    subscription = delivery.subscription
    problem = webhook_url_problem(subscription.url)
    if problem or not subscription.active:
        _record(delivery, None, problem or "Abonnement désactivé.", final=True)
        return False
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(  # noqa: S310 (https or local http: webhook_url_problem)
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "MEL-Entreprendre-Autrement-Webhooks/1",
            "X-MEL-Event": delivery.event,
            "X-MEL-Event-Id": delivery.idempotency_key,
            "X-MEL-Signature": signature_header(subscription.secret, int(time.time()), body),
        },
    )
    status, error = _post(request)
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


def _post(request: urllib.request.Request) -> tuple[int | None, str]:
    timeout = settings.API_WEBHOOK_TIMEOUT_SECONDS
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"Le partenaire a répondu {error.code} au lieu de 2xx."
    except TimeoutError:
        return None, f"Pas de réponse du partenaire dans le délai ({timeout:g} s)."
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError | socket.timeout):
            return None, f"Pas de réponse du partenaire dans le délai ({timeout:g} s)."
        return None, f"Adresse injoignable ({error.reason})."
    except (OSError, ValueError) as error:
        return None, f"Envoi impossible ({type(error).__name__} : {error})."


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

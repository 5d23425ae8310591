"""The webhook outbox: deliveries written in the transaction of a decision or a payment,
only for the subscriptions of organisations that may see the object, and asked for after
commit (a rolled-back decision tells nobody; a broker that is down delays, the relay
catches up)."""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
import socket
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from guardian.models import GroupObjectPermission
from rest_framework.utils.encoders import JSONEncoder

from accounts.models import Organisation
from accounts.permissions import permission_ids
from api.models import DeliveryState, WebhookDelivery, WebhookEvent, WebhookSubscription

logger = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Names that only ever mean a machine inside a network, whatever a resolver answers.
INTERNAL_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain", ".home.arpa", ".lan")

HTTPS_ONLY = "L'adresse doit commencer par https:// (le contenu est confidentiel)."
INTERNAL = "Cette adresse mène à un réseau interne : donnez l'adresse publique du partenaire."
UNKNOWN = "Ce nom de domaine est introuvable : vérifiez l'adresse."


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def webhook_address(url: str) -> tuple[str | None, str]:
    """The checked address to connect to and why the URL cannot receive webhooks ("" when
    it can). Production: https only, to a name whose every address is public (169.254.x,
    10.x, 127.x, ::1… are refused, so no partner can make us probe our own network).
    ``API_WEBHOOK_ALLOW_LOCAL_HTTP`` (development and tests) also allows http to the local
    machine and skips the check; the address is then None (connect by name)."""
    parts = urlsplit(url)
    host = parts.hostname
    try:
        port = parts.port
    except ValueError:
        return None, HTTPS_ONLY
    if settings.API_WEBHOOK_ALLOW_LOCAL_HTTP:
        https = parts.scheme == "https" and bool(host)
        local = parts.scheme == "http" and host in LOCAL_HOSTS
        return None, "" if https or local else HTTPS_ONLY
    if parts.scheme != "https" or not host:
        return None, HTTPS_ONLY
    name = host.rstrip(".").lower()
    bare = "." not in name and ":" not in name  # only the local network resolves it
    if bare or name == "localhost" or name.endswith(INTERNAL_SUFFIXES):
        return None, INTERNAL
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None, UNKNOWN
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        return None, UNKNOWN
    try:
        if any(_internal(address) for address in addresses):
            return None, INTERNAL
    except ValueError:
        return None, UNKNOWN
    return addresses[0], ""


def webhook_url_problem(url: str) -> str:
    """Why an address cannot receive webhooks ("" when it can): see ``webhook_address``."""
    return webhook_address(url)[1]


@transaction.atomic
def webhook_subscribe(
    *, organisation: Organisation, url: str, events: list[str] | None = None
) -> WebhookSubscription:
    from accounts.exceptions import ApplicationError

    problem = webhook_url_problem(url)
    if problem:
        raise ApplicationError(problem, field="url")
    return WebhookSubscription.objects.create(
        organisation=organisation,
        url=url,
        secret=secrets.token_hex(32),
        events=events if events is not None else [e.value for e in WebhookEvent],
    )


def organisation_sees(organisation: Organisation, obj: models.Model) -> bool:
    """Whether the organisation's people may view ``obj``: model-wide (MEL staff) or granted
    on the object to its group (the policy's ``LINKED`` scope) — filter_visible's rules for
    an organisation (``OWN`` and ``ASSIGNED`` are a person's, never an organisation's)."""
    if not organisation.is_active:
        return False
    opts = obj._meta
    perm = f"{opts.app_label}.view_{opts.model_name}"
    if organisation.group.permissions.filter(
        content_type__app_label=opts.app_label, codename=f"view_{opts.model_name}"
    ).exists():
        return True
    permission_id = permission_ids([perm]).get(perm)
    if permission_id is None:
        return False
    return GroupObjectPermission.objects.filter(
        group_id=organisation.group_id,
        permission_id=permission_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
    ).exists()


def webhooks_enqueue(
    *, event: WebhookEvent, obj: models.Model, data: dict[str, Any], occurrence: str
) -> list[int]:
    """One delivery per active subscription to ``event`` whose organisation sees ``obj``,
    in the caller's transaction; delivery is asked for after commit."""
    subscriptions = WebhookSubscription.objects.filter(
        active=True, organisation__is_active=True
    ).select_related("organisation__group")
    ids = []
    for subscription in subscriptions:
        if event.value not in subscription.events:
            continue
        if not organisation_sees(subscription.organisation, obj):
            continue
        key = f"{event.value}:{occurrence}:{subscription.pk}"
        payload = {
            "id": key,
            "event": event.value,
            "event_label": str(event.label),
            "occurred_at": timezone.now().isoformat(),
            "data": json.loads(json.dumps(data, cls=JSONEncoder)),
        }
        delivery, created = WebhookDelivery.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "subscription": subscription,
                "event": event.value,
                "payload": payload,
                "content_type": ContentType.objects.get_for_model(obj),
                "object_id": str(obj.pk),
            },
        )
        if created:
            ids.append(delivery.pk)
    if ids:
        transaction.on_commit(lambda: request_delivery(ids=ids))
    return ids


def webhook_still_allowed(delivery: WebhookDelivery) -> str:
    """Why this delivery may no longer be posted ("" when it may): checked before each
    send, since the subscription, its organisation or its access may have ended since the
    event was written."""
    subscription = delivery.subscription
    if not subscription.active:
        return "Abonnement désactivé : envoi annulé."
    if not subscription.organisation.is_active:
        return "Organisation désactivée : envoi annulé."
    if delivery.content_type is None or not delivery.object_id:
        return ""
    obj = delivery.content_type.get_all_objects_for_this_type(pk=delivery.object_id).first()
    if obj is None or not organisation_sees(subscription.organisation, obj):
        return "L'organisation n'a plus accès à ce dossier : envoi annulé."
    return ""


@transaction.atomic
def webhook_deliveries_resend(*, deliveries: QuerySet[WebhookDelivery]) -> list[int]:
    """Give abandoned deliveries a fresh round of attempts (a partner back after a long
    outage); each is still checked before it is posted."""
    ids = list(deliveries.filter(state=DeliveryState.FAILED).values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=None, last_error=""
    )
    if ids:
        transaction.on_commit(lambda: request_delivery(ids=ids))
    return ids


def request_delivery(*, ids: list[int]) -> bool:
    from api.tasks import deliver_webhooks

    try:
        deliver_webhooks.apply_async(kwargs={"ids": ids}, retry=False)
    except Exception:  # the broker is down: never fail the decision, the relay will send
        logger.warning("Webhook deliveries %s deferred to the relay", ids, exc_info=True)
        return False
    return True

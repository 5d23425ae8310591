"""The webhook outbox: deliveries written in the transaction of a decision or a payment,
only for the subscriptions of organisations that may see the object, and asked for after
commit (a rolled-back decision tells nobody; a broker that is down delays, the relay
catches up)."""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from guardian.models import GroupObjectPermission
from rest_framework.utils.encoders import JSONEncoder

from accounts.models import Organisation
from accounts.permissions import permission_ids
from api.models import WebhookDelivery, WebhookEvent, WebhookSubscription

logger = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def webhook_url_problem(url: str) -> str:
    """Why an address cannot receive webhooks ("" when it can): https only, except the
    local machine when ``API_WEBHOOK_ALLOW_LOCAL_HTTP`` (development and tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return ""
    local = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
    if local and settings.API_WEBHOOK_ALLOW_LOCAL_HTTP:
        return ""
    return "L'adresse doit commencer par https:// (le contenu est confidentiel)."


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
            defaults={"subscription": subscription, "event": event.value, "payload": payload},
        )
        if created:
            ids.append(delivery.pk)
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

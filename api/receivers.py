"""The money's domain signals become webhook deliveries (thin: api.services.webhooks)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q

from api.models import WebhookDelivery, WebhookEvent
from api.serializers import FundingLineSerializer, TrancheSerializer
from api.services.webhooks import webhooks_enqueue
from funding.models import FundingLine, Tranche


def on_line_decided(sender: Any, line: FundingLine, **kwargs: Any) -> None:
    occurrence = (
        f"{line.pk}:{line.state}:{line.first_signed_at and line.first_signed_at.timestamp()}"
    )
    webhooks_enqueue(
        event=WebhookEvent.LINE_DECIDED,
        obj=line,
        data=dict(FundingLineSerializer(line).data),
        occurrence=occurrence,
    )


def on_tranche_released(sender: Any, tranche: Tranche, **kwargs: Any) -> None:
    webhooks_enqueue(
        event=WebhookEvent.TRANCHE_RELEASED,
        obj=tranche.application,
        data=dict(TrancheSerializer(tranche).data),
        occurrence=str(tranche.pk),
    )


def on_dossier_anonymised(sender: Any, objects: list[Model], **kwargs: Any) -> None:
    """An anonymised dossier's webhook deliveries go: their payloads name the project."""
    condition = Q(pk__in=[])
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)
        condition |= Q(content_type=content_type, object_id=str(obj.pk))
    WebhookDelivery.objects.filter(condition).delete()

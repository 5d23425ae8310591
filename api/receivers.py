"""The money's domain signals become webhook deliveries (thin: api.services.webhooks)."""

from __future__ import annotations

from typing import Any

from api.models import WebhookEvent
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

"""System checks: the notice in force exists, and the partner-sharing basis is one we know."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

LEGAL_BASES = ("consent", "public_task")


def check_privacy_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from .notices import notice_by_id

    errors: list[checks.CheckMessage] = []
    if notice_by_id(settings.PRIVACY_NOTICE_VERSION) is None:
        errors.append(
            checks.Error(
                f"PRIVACY_NOTICE_VERSION « {settings.PRIVACY_NOTICE_VERSION} » ne désigne "
                "aucune notice de privacy/notices.py.",
                id="privacy.E001",
            )
        )
    if settings.PARTNER_SHARING_LEGAL_BASIS not in LEGAL_BASES:
        errors.append(
            checks.Error(
                "PARTNER_SHARING_LEGAL_BASIS doit valoir « consent » ou « public_task ».",
                id="privacy.E002",
            )
        )
    return errors

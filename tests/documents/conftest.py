"""A draft application (built through the real pages), a fake clamd, upload helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.factories.applicants import commune
from tests.support.fake_clamd import FakeClamd, running_fake_clamd
from tests.workflows.application_helpers import open_application, ready_journey
from workflows.models import Application

CODE = "statuts"


@pytest.fixture
def roubaix(db: None) -> Commune:
    place = commune("59512", "Roubaix")
    place.postal_codes = "59100"
    place.save()
    return place


@pytest.fixture
def draft_application(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> Application:
    """Nadia's application, in draft, supported by incubator X (no mandate yet)."""
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    client.logout()
    return application


@pytest.fixture
def holder(draft_application: Application) -> User:
    return draft_application.holder.user


@pytest.fixture
def fake_clamd(settings: Any) -> Iterator[FakeClamd]:
    with running_fake_clamd() as server:
        settings.CLAMD_URL = server.url
        settings.CLAMD_TIMEOUT = 5.0
        yield server


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    """An uploaded file whose name reaches the service as given (Django's own upload
    handling would already have cut directories and NUL bytes off)."""
    uploaded = SimpleUploadedFile("placeholder", data)
    uploaded._name = name  # type: ignore[attr-defined]
    return uploaded


def media_bytes() -> int:
    """Bytes of every file under MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT)
    return sum(
        (Path(folder) / name).stat().st_size for folder, _, names in os.walk(root) for name in names
    )

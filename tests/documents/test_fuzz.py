"""Fuzz: hundreds of hostile files (seed 2026) through the real upload service, a sample
of them through HTTP as well. Each is refused with a French message, none causes a server
error, and nothing is left in MEDIA_ROOT. Valid files of each type go through and can be
downloaded byte for byte."""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.exceptions import ApplicationError
from accounts.models import User
from documents import validation
from documents.models import Document, ScanStatus
from documents.services import document_upload
from tests.documents.conftest import CODE, media_bytes, upload
from tests.documents.hostile import Generator, Hostile
from tests.support import sample_files
from tests.support.fake_clamd import FakeClamd
from workflows.models import Application

pytestmark = pytest.mark.django_db

FRENCH_REFUSALS = (
    validation.NOT_ACCEPTED,
    validation.ACTIVE,
    validation.HIDDEN_TAIL,
    validation.BAD_NAME,
    validation.DAMAGED,
    "Le fichier dépasse ",
    "Le fichier est vide.",
    "Le contenu ne correspond pas à l'extension .",
    "Archive trop volumineuse une fois décompressée.",
    "Le document contient trop de fichiers internes.",
    "Le document contient un chemin de fichier dangereux.",
    "Le document est chiffré : enregistrez-le sans mot de passe.",
    "L'antivirus a détecté un virus dans ce fichier (Eicar-Signature)",
)


@pytest.fixture
def small_limits(settings: Any) -> None:
    """Lower limits keep the bombs and the oversize files small and the run fast."""
    settings.DOCUMENT_MAX_BYTES = 32 * 1024
    settings.DOCUMENT_ARCHIVE_MAX_ENTRIES = 40
    settings.DOCUMENT_ARCHIVE_MAX_UNCOMPRESSED_BYTES = 256 * 1024


def _french(message: str) -> bool:
    return message.startswith(FRENCH_REFUSALS)


def _through_service(application: Application, holder: User, item: Hostile) -> str:
    """'rejected', 'accepted' or 'error: …' for one file through ``document_upload``."""
    try:
        document_upload(
            application=application,
            actor=holder,
            code=CODE,
            uploaded_file=upload(item.name, item.data),
        )
    except ApplicationError as refused:
        return "rejected" if _french(refused.message) else f"error: {refused.message}"
    except Exception as crash:
        return f"error: {crash!r}"
    return "accepted"


def _through_http(client: Client, application: Application, item: Hostile) -> str:
    try:
        response = client.post(
            reverse("documents:application", args=[application.pk]),
            {"code": CODE, "file": SimpleUploadedFile(item.name, item.data)},
        )
    except Exception as crash:
        return f"error: {crash!r}"
    if response.status_code >= 500:
        return f"error: HTTP {response.status_code}"
    page = html.unescape(response.content.decode())
    if response.status_code == 400 and any(stem in page for stem in FRENCH_REFUSALS):
        return "rejected"
    return f"accepted: HTTP {response.status_code}"


def _http_safe(item: Hostile) -> bool:
    """Names Django's multipart parser would rewrite (directories, NUL) stay service-only."""
    return bool(item.name) and not any(c in item.name for c in "/\\\x00") and item.name != ".."


def test_hostile_files_are_all_rejected(
    client: Client,
    draft_application: Application,
    holder: User,
    fake_clamd: FakeClamd,
    small_limits: None,
) -> None:
    files = Generator(seed=2026).all()
    assert len(files) >= 500
    client.force_login(holder)
    outcomes: list[tuple[Hostile, str]] = []
    for index, item in enumerate(files):
        outcomes.append((item, _through_service(draft_application, holder, item)))
        if index % 5 == 0 and _http_safe(item):
            outcomes.append((item, _through_http(client, draft_application, item)))

    tried = len(outcomes)
    rejected = sum(outcome == "rejected" for _, outcome in outcomes)
    errors = sum(outcome.startswith("error") for _, outcome in outcomes)
    left = media_bytes()
    by_category = Counter(item.category for item in files)
    print(f"categories: {dict(by_category)}")  # noqa: T201
    summary = f"{tried} tried, {rejected} rejected, {left} bytes left, {errors} server errors"
    print(f"hostile files: {summary}")  # noqa: T201
    failures = [
        f"{item.category} {item.name!r}: {outcome}"
        for item, outcome in outcomes
        if outcome != "rejected"
    ]
    assert failures == [], "\n".join(failures)
    assert rejected == tried
    assert left == 0
    assert errors == 0
    # Only infected uploads leave a row (as a trace, without bytes).
    assert set(Document.objects.values_list("scan_status", flat=True)) <= {ScanStatus.INFECTED}
    assert Document.objects.exclude(storage_name="").count() == 0
    assert fake_clamd.streams, "the EICAR files reached the scanner"


@pytest.mark.parametrize("extension", sorted(sample_files.VALID_FILES))
def test_valid_files_are_accepted_and_downloadable(
    client: Client,
    draft_application: Application,
    holder: User,
    fake_clamd: FakeClamd,
    extension: str,
) -> None:
    data = sample_files.VALID_FILES[extension]()
    client.force_login(holder)
    response = client.post(
        reverse("documents:application", args=[draft_application.pk]),
        {"code": CODE, "file": SimpleUploadedFile(f"Pièce jointe.{extension}", data)},
    )
    assert response.status_code == 302, html.unescape(response.content.decode())[-2000:]
    document = Document.objects.get()
    assert document.scan_status == ScanStatus.CLEAN
    assert document.content_type == validation.ALLOWED_TYPES[extension]
    download: Any = client.get(reverse("documents:download", args=[document.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == validation.ALLOWED_TYPES[extension]
    body = b"".join(download.streaming_content)  # read to the end: closes the file
    assert body == data

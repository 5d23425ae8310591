"""A document of a dossier: who handed it in, for which checklist item, what it really is
(type detected from its content), where its bytes are (a random name, never the user's)
and what the antivirus said. Rows are kept after a deletion or an infection, the bytes are
not."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScanStatus(models.TextChoices):
    # Stored but not scanned yet: reserved for an asynchronous scan, never served.
    PENDING = "pending", _("analyse en attente")
    CLEAN = "clean", _("analysé, sain")
    # The bytes are deleted at once; the row stays as a trace.
    INFECTED = "infected", _("infecté")
    # No antivirus configured (CLAMD_URL empty).
    NOT_SCANNED = "not_scanned", _("non analysé")


SERVABLE_STATUSES = (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED)


class Document(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    application = models.ForeignKey(
        "workflows.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("candidature"),
    )
    code = models.SlugField(_("pièce demandée (code)"), max_length=40)
    original_name = models.CharField(_("nom d'origine (affiché)"), max_length=255)
    content_type = models.CharField(_("type détecté"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    storage_name = models.CharField(_("nom de stockage"), max_length=200, blank=True)
    scan_status = models.CharField(
        _("antivirus"), max_length=20, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scan_signature = models.CharField(_("signature détectée"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["application", "code"], name="document_app_code")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_servable(self) -> bool:
        return (
            self.deleted_at is None
            and bool(self.storage_name)
            and self.scan_status in SERVABLE_STATUSES
        )

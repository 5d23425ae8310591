"""An export prepared in the background: whose it is, which list with which filters, how
far it has gone, and where its file is until it expires."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours de préparation")
    DONE = "done", _("prêt")
    FAILED = "failed", _("échec")
    EXPIRED = "expired", _("expiré")


class ExportJob(models.Model):
    # The job's address is random: nobody reaches another's export by counting.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    list_name = models.CharField(_("liste"), max_length=40)
    list_title = models.CharField(_("titre de la liste"), max_length=100)
    query = models.CharField(_("filtres de la liste"), max_length=2000, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    french_numbers = models.BooleanField(_("nombres au format français"), default=False)
    state = models.CharField(
        _("état"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("lignes écrites"), default=0)
    rows_total = models.PositiveIntegerField(_("lignes à écrire"), default=0)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # What the file was filtered for: the owner's personas and organisations and whether
    # it holds contacts (e-mails, SIRET). The file is refused once the owner's access is
    # no longer this one (a MEL officer moved to an incubator keeps no MEL-wide file).
    owner_access = models.JSONField(_("accès du demandeur"), default=dict, blank=True)
    storage_name = models.CharField(_("nom de stockage"), max_length=200, blank=True)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    # Moved on at every progress step: a job "running" whose heartbeat stopped was lost
    # with its worker.
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("disponible jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_owner_recent"),
            models.Index(fields=["state", "expires_at"], name="export_state_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.list_title} ({self.get_format_display()}, {self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (ExportState.QUEUED, ExportState.RUNNING)

    @property
    def file_name(self) -> str:
        day = timezone.localtime(self.created_at)
        return f"{self.list_name}-{day:%Y-%m-%d-%Hh%M}.{self.format}"

"""Conversation on a journey between the applicant and the people handling it, and private
notes that only MEL staff and the supporting organisation read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.models.journey import Journey


class DossierMessage(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["journey", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.author} — {self.sent_at:%d/%m/%Y %H:%M}"


class MessageReceipt(models.Model):
    """When a person first read a message (read status)."""

    message = models.ForeignKey(DossierMessage, on_delete=models.CASCADE, related_name="receipts")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("accusé de lecture")
        verbose_name_plural = _("accusés de lecture")
        constraints = [
            models.UniqueConstraint(fields=["message", "reader"], name="receipt_once_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.reader} a lu le {self.read_at:%d/%m/%Y %H:%M}"


class PrivateNote(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("note"))
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note privée")
        verbose_name_plural = _("notes privées")
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"Note de {self.author} — {self.written_at:%d/%m/%Y}"

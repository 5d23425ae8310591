"""What the privacy app records itself: which dossiers were anonymised, and when.

The marker is a row of its own (not a column of ``workflows.Journey``) so that the layers
below never learn about anonymisation; the retention rules exclude marked dossiers in the
same query that finds the due ones, so a second run finds nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AnonymisedDossier(models.Model):
    """A dossier (a journey and its application, if any) whose personal data were removed."""

    journey = models.OneToOneField(
        "workflows.Journey",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("parcours"),
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), default=timezone.now)

    class Meta:
        verbose_name = _("dossier anonymisé")
        verbose_name_plural = _("dossiers anonymisés")
        ordering = ["-anonymised_at", "-pk"]

    def __str__(self) -> str:
        return f"Dossier n° {self.journey_id} anonymisé le {self.anonymised_at:%d/%m/%Y}"

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Programmée")
    AGENDA_CLOSED = "agenda_closed", _("Ordre du jour arrêté")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


class CommitteeSession(models.Model):
    """A meeting of a selection committee (3 to 4 a year for the permanent call)."""

    committee = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("comité"),
        limit_choices_to={"kind": "committee"},
    )
    programme = models.ForeignKey(
        "funding.Programme",
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("programme"),
    )
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=255)
    agenda_cutoff = models.DateField(
        _("date limite d'inscription à l'ordre du jour"), null=True, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )

    class Meta:
        verbose_name = _("séance du comité")
        verbose_name_plural = _("séances du comité")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.committee} — {self.starts_at:%d/%m/%Y}"

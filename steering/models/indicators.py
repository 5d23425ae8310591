"""The plan's indicators as computed, kept per period and scope: the page reads one row
instead of every dossier (recomputed each night and on demand, ``steering.services``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IndicatorSnapshot(models.Model):
    """``PlanIndicators.to_json()`` for one period and one scope (whole plan, axis or
    programme); ``data`` is empty while the computation is under way."""

    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    # "plan", "axis:<pk>" or "programme:<pk>": one key, so that uniqueness needs no NULLs.
    scope = models.CharField(_("périmètre"), max_length=40)
    axis = models.ForeignKey(
        "funding.PlanAxis", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        "funding.Programme", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    computed_at = models.DateTimeField(_("calculé le"), null=True, blank=True)
    seconds = models.FloatField(_("durée du calcul (s)"), null=True, blank=True)
    data = models.JSONField(_("indicateurs"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicateurs arrêtés")
        verbose_name_plural = _("indicateurs arrêtés")
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "scope"], name="one_snapshot_per_key"
            )
        ]
        permissions = [("recompute_indicatorsnapshot", _("Recalculer les indicateurs du plan"))]

    def __str__(self) -> str:
        return f"{self.scope} {self.period_start} → {self.period_end}"

"""When each dossier reached each stage: an append-only history of ``stage`` values.

The journey's and the application's ``stage`` hold only where a dossier is now; the plan's
indicators need when it got there (days per stage, the funnel of a cohort). One row is
written whenever a stage changes, in one place (``workflows.stage_history``, receivers on
the save of either model), at ``timezone.now()``: the demo's clock and the tests' time
machine date it like every other record. Rows are never updated nor deleted by the code.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StageChange(models.Model):
    """One dossier entered one stage at one moment (journey XOR application)."""

    journey = models.ForeignKey(
        "workflows.Journey", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("étape"), max_length=20)
    at = models.DateTimeField(_("le"), default=timezone.now)
    # Rebuilt from the records at the migration that created the history (dates as good as
    # the records that existed), rather than seen when it happened.
    backfilled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("changement d'étape")
        verbose_name_plural = _("changements d'étape")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["journey", "at"], name="stagechange_journey_at"),
            models.Index(fields=["application", "at"], name="stagechange_application_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(journey__isnull=True) ^ Q(application__isnull=True),
                name="stagechange_one_dossier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} ({self.at:%d/%m/%Y})"


STAGE_LOADED = "_stage_loaded"


class StageRemembered:
    """Keeps the stage read from the database on the instance (``STAGE_LOADED``), which
    ``workflows.stage_history`` compares after each save. ``post_init`` remembers it at load;
    a ``refresh_from_db`` reloads the stage, so it must remember it again, or the next save
    would compare with a stale value (a duplicate row, or a missed change)."""

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)  # type: ignore[misc]
        fields = kwargs.get("fields", args[1] if len(args) > 1 else None)
        if fields is None or "stage" in fields:
            setattr(self, STAGE_LOADED, self.__dict__.get("stage"))

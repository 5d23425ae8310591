from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommuneQuerySet(models.QuerySet["Commune"]):
    def in_mel(self) -> CommuneQuerySet:
        return self.filter(epci_siren=settings.MEL_EPCI_SIREN)


class Commune(models.Model):
    """A French commune (INSEE Code officiel géographique), with its EPCI membership.

    Membership of the MEL changes over time (85, 90, then 95 communes), so it is data.
    """

    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    postal_codes = models.CharField(
        _("codes postaux"), max_length=120, blank=True, help_text=_("Séparés par « ; ».")
    )
    epci_siren = models.CharField(_("SIREN de l'EPCI"), max_length=9, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"

    @property
    def in_mel(self) -> bool:
        return self.epci_siren == settings.MEL_EPCI_SIREN

    def postal_code_list(self) -> list[str]:
        return [code for code in self.postal_codes.split(";") if code]


class QpvArea(models.Model):
    """A quartier prioritaire de la politique de la ville, for one generation (2015 or 2024).

    Codes are not reused between generations, so (code, generation) identifies a QPV. The
    perimeter (GeoJSON, WGS84) is optional: without it the QPV can only be declared.
    """

    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("nom"), max_length=255)
    generation = models.PositiveSmallIntegerField(_("génération"))
    communes = models.ManyToManyField(Commune, related_name="qpv_areas", verbose_name=_("communes"))
    perimeter = models.JSONField(_("périmètre (GeoJSON)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["generation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "generation"], name="qpv_code_generation"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

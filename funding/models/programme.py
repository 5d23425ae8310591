from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from applicants.models import LegalForm


class PlanAxis(models.Model):
    """An axis of the MEL ESS action plan (1. Accompagnement et financement, …)."""

    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    name = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("axe du plan")
        verbose_name_plural = _("axes du plan")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Programme(models.Model):
    """A scheme under an axis, e.g. the permanent call "Entreprendre Autrement avec La MEL"."""

    axis = models.ForeignKey(PlanAxis, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_permanent_call = models.BooleanField(_("appel à projets permanent"), default=True)
    is_active = models.BooleanField(_("actif"), default=True)
    grant_financier = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "financier"},
        verbose_name=_("financeur de la subvention"),
        help_text=_("L'organisation dont les membres signent la subvention du programme."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["axis__number", "name"]

    def __str__(self) -> str:
        return self.name


class CallRuleVersion(models.Model):
    """The rules of a programme's call in force over a period. A dossier keeps its version."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rule_versions")
    label = models.CharField(_("version"), max_length=80)
    valid_from = models.DateField(_("en vigueur à partir du"))
    valid_until = models.DateField(_("jusqu'au"), null=True, blank=True)
    grant_cap = models.DecimalField(
        _("plafond de la subvention (€)"), max_digits=12, decimal_places=2
    )
    cap_percent_of_budget = models.DecimalField(
        _("plafond en % du budget prévisionnel"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    startup_age_limit_years = models.PositiveSmallIntegerField(
        _("âge maximal de la structure pour l'aide au démarrage (ans)")
    )
    esus_required_after_years = models.PositiveSmallIntegerField(
        _("agrément ESUS exigé des sociétés commerciales de plus de (ans)"), null=True, blank=True
    )
    convention_threshold = models.DecimalField(
        _("convention obligatoire au-delà de (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("23000"),
    )
    eligible_legal_forms = models.ManyToManyField(
        LegalForm, related_name="+", verbose_name=_("formes juridiques éligibles")
    )
    notes = models.TextField(_("notes et sources"), blank=True)

    class Meta:
        verbose_name = _("version du règlement")
        verbose_name_plural = _("versions du règlement")
        ordering = ["programme", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "valid_from"], name="rules_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.label}"

    def clean(self) -> None:
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "La fin de validité précède son début."})
        if not self.programme_id:
            return
        overlapping = CallRuleVersion.objects.filter(programme_id=self.programme_id).exclude(
            pk=self.pk
        )
        end = self.valid_until or datetime.date.max
        for other in overlapping:
            other_end = other.valid_until or datetime.date.max
            if other.valid_from <= end and self.valid_from <= other_end:
                raise ValidationError(
                    {"valid_from": f"Cette période chevauche la version « {other.label} »."}
                )

    def max_grant_for_budget(self, budget: Decimal) -> Decimal:
        """The highest grant allowed for a given budget prévisionnel."""
        share = (budget * self.cap_percent_of_budget / Decimal(100)).quantize(Decimal("0.01"))
        return min(self.grant_cap, share)


class RequiredDocument(models.Model):
    """A document the call asks for, for every legal form or only one."""

    rule_version = models.ForeignKey(
        CallRuleVersion, on_delete=models.CASCADE, related_name="required_documents"
    )
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forme juridique"),
        help_text=_("Vide : demandé à toutes les structures."),
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("pièce"), max_length=200)
    help_text = models.CharField(_("aide"), max_length=255, blank=True)
    is_mandatory = models.BooleanField(_("obligatoire"), default=True)

    class Meta:
        verbose_name = _("pièce demandée")
        verbose_name_plural = _("pièces demandées")
        ordering = ["rule_version", "legal_form", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_version", "legal_form", "code"], name="required_document_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ScoringCriterion(models.Model):
    """A criterion of the committee's weighted scoring grid for one rule version."""

    rule_version = models.ForeignKey(
        CallRuleVersion, on_delete=models.CASCADE, related_name="scoring_criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("critère"), max_length=200)
    weight_percent = models.PositiveSmallIntegerField(
        _("pondération (%)"), validators=[MaxValueValidator(100)]
    )
    max_score = models.PositiveSmallIntegerField(_("note maximale"), default=4)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère de notation")
        verbose_name_plural = _("critères de notation")
        ordering = ["rule_version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule_version", "code"], name="criterion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.weight_percent} %)"

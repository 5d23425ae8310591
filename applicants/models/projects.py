from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Person
from .structures import Structure
from .territory import Commune, QpvArea


class ProjectStage(models.TextChoices):
    IDEA = "idea", _("Idée")
    EMERGENCE = "emergence", _("Émergence")
    CREATION = "creation", _("Création")
    DEVELOPMENT = "development", _("Développement")


class Sector(models.TextChoices):
    FOOD = "food", _("Alimentation")
    CIRCULAR = "circular", _("Recyclage, économie circulaire")
    DIGITAL = "digital", _("Numérique")
    CULTURE = "culture", _("Culture")
    PERSONAL_SERVICES = "care", _("Services à la personne")
    EARLY_CHILDHOOD = "childhood", _("Petite enfance")
    MOBILITY = "mobility", _("Mobilité")
    INCLUSION = "inclusion", _("Insertion par l'activité économique")
    HOUSING = "housing", _("Habitat")
    ENERGY = "energy", _("Énergie")
    OTHER = "other", _("Autre")


class Project(models.Model):
    """An entrepreneur's project: what they want to do, where, and who supports them."""

    OWNER_FIELD = "holder_id"

    holder = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="projects", verbose_name=_("porteur·se")
    )
    structure = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("structure"),
    )
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"))
    sector = models.CharField(_("secteur"), max_length=20, choices=Sector.choices)
    stage = models.CharField(_("stade"), max_length=20, choices=ProjectStage.choices)
    social_utility = models.TextField(_("utilité sociale"), blank=True)
    jobs_planned_fte = models.DecimalField(
        _("emplois prévus (ETP)"),
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    address = models.CharField(_("adresse de l'activité"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune de l'activité"),
    )
    support_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_projects",
        verbose_name=_("structure d'accompagnement"),
    )
    current_qpv = models.ForeignKey(
        "QpvDetermination",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("situation QPV actuelle"),
        editable=False,
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["-created_at", "-pk"]
        # Lists read the newest first and stop at a page: without it, every project is sorted.
        indexes = [models.Index(fields=["-created_at", "-id"], name="applicants_project_newest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jobs_planned_fte__gte=0),
                name="applicants_project_jobs_not_negative",
            )
        ]
        permissions = [
            ("aggregate_project", _("Consulter les chiffres agrégés des projets")),
            ("extract_project", _("Télécharger l'extrait pseudonymisé")),
        ]

    def __str__(self) -> str:
        return self.title


class QpvOutcome(models.TextChoices):
    INSIDE = "inside", _("En quartier prioritaire")
    OUTSIDE = "outside", _("Hors quartier prioritaire")
    TO_VERIFY = "to_verify", _("À vérifier")


class QpvSource(models.TextChoices):
    COMPUTED = "computed", _("Calculé à partir de l'adresse")
    DECLARED = "declared", _("Déclaré par le porteur")
    VERIFIED = "verified", _("Vérifié par l'équipe MEL")
    OVERRIDDEN = "overridden", _("Corrigé par l'équipe MEL")


class QpvDetermination(models.Model):
    """One QPV finding for a project's activity address, kept as history with its evidence."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="qpv_determinations"
    )
    outcome = models.CharField(_("résultat"), max_length=10, choices=QpvOutcome.choices)
    source = models.CharField(_("origine"), max_length=10, choices=QpvSource.choices)
    qpv = models.ForeignKey(
        QpvArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("QPV"),
    )
    qpv_code = models.CharField(_("code QPV"), max_length=10, blank=True)
    qpv_name = models.CharField(_("nom du QPV"), max_length=255, blank=True)
    generation = models.PositiveSmallIntegerField(_("génération"), null=True, blank=True)
    address_label = models.CharField(_("adresse géocodée"), max_length=255, blank=True)
    geocoder_score = models.FloatField(_("score du géocodeur"), null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    message = models.CharField(_("explication"), max_length=255, blank=True)
    reason = models.TextField(_("motif de la correction"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    decided_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("situation QPV")
        verbose_name_plural = _("situations QPV")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        label = self.get_outcome_display()
        return f"{label} — {self.qpv_name}" if self.qpv_name else str(label)

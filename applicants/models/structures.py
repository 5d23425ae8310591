from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.validators import (
    compact,
    normalise_naf,
    validate_bic,
    validate_iban,
    validate_naf,
    validate_rna,
    validate_siren,
    validate_siret,
)

from .people import Person
from .territory import Commune


class LegalForm(models.Model):
    """Reference list of legal forms (association loi 1901, SCOP, SCIC, …), editable in admin."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    label = models.CharField(_("libellé"), max_length=120)
    ess_by_nature = models.BooleanField(
        _("ESS par nature"),
        default=False,
        help_text=_(
            "Associations, coopératives, mutuelles et fondations (loi du 31 juillet 2014)."
        ),
    )
    is_commercial_company = models.BooleanField(_("société commerciale"), default=False)
    is_association = models.BooleanField(_("association"), default=False)
    is_registered = models.BooleanField(
        _("structure immatriculée"),
        default=True,
        help_text=_("Faux pour « structure pas encore créée » : aucun identifiant attendu."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("forme juridique")
        verbose_name_plural = _("formes juridiques")
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class EsusStatus(models.TextChoices):
    NONE = "none", _("Pas d'agrément ESUS")
    REQUESTED = "requested", _("Agrément ESUS demandé")
    GRANTED = "granted", _("Agrément ESUS obtenu")


class Structure(models.Model):
    """The enterprise or association carrying a project (or a structure still to be created)."""

    OWNER_FIELD = "holder_id"

    holder = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="structures", verbose_name=_("porteur·se")
    )
    name = models.CharField(_("dénomination"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    legal_form = models.ForeignKey(
        LegalForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("forme juridique")
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, validators=[validate_rna])
    naf_code = models.CharField(
        _("code NAF / APE"), max_length=6, blank=True, validators=[validate_naf]
    )
    esus_status = models.CharField(
        _("agrément ESUS"), max_length=10, choices=EsusStatus.choices, default=EsusStatus.NONE
    )
    esus_date = models.DateField(
        _("date de l'agrément ou de la demande ESUS"), null=True, blank=True
    )
    creation_date = models.DateField(_("date de création"), null=True, blank=True)
    address = models.CharField(_("adresse du siège"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune du siège"),
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    # Set when the retention run cleared the IBAN and BIC after the last payment: the pages
    # then say that the bank details are no longer held (and will be asked for again).
    bank_details_cleared_at = models.DateTimeField(
        _("coordonnées bancaires effacées le"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        indexes = [models.Index(fields=["siret"])]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Normalise first: "732 829 320 00074" is a valid SIRET typed with spaces, and the
        # length checks of clean_fields() must see the compact form.
        for field in ("siren", "siret", "rna", "iban", "bic"):
            setattr(self, field, compact(getattr(self, field)))
        self.naf_code = normalise_naf(self.naf_code) if self.naf_code else ""
        # The SIREN is the SIRET's first nine digits; no SIRET, no SIREN kept from before.
        self.siren = self.siret[:9] if self.siret else ""
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        form = self.legal_form if self.legal_form_id else None
        if form is not None and not form.is_registered and (self.siret or self.rna):
            errors["legal_form"] = (
                "Une structure pas encore créée n'a ni SIRET ni RNA : choisissez sa forme "
                "juridique réelle ou retirez ces numéros."
            )
        if form is not None and form.is_registered and not (self.siret or self.rna):
            errors["siret"] = (
                "Indiquez le SIRET de la structure (ou, pour une association qui n'en a pas "
                "encore, son numéro RNA)."
            )
        if self.rna and form is not None and not form.is_association:
            errors["rna"] = "Le numéro RNA ne concerne que les associations."
        if self.esus_status != EsusStatus.NONE and not self.esus_date:
            errors["esus_date"] = "Indiquez la date de l'agrément ESUS ou de la demande."
        if self.creation_date and self.creation_date > timezone.localdate():
            errors["creation_date"] = "La date de création ne peut pas être dans le futur."
        if errors:
            raise ValidationError(errors)

    @property
    def age_in_years(self) -> int | None:
        if not self.creation_date:
            return None
        today = timezone.localdate()
        before_birthday = (today.month, today.day) < (
            self.creation_date.month,
            self.creation_date.day,
        )
        return today.year - self.creation_date.year - int(before_birthday)

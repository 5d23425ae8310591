from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Civility(models.TextChoices):
    MADAME = "mme", _("Madame")
    MONSIEUR = "m", _("Monsieur")
    UNSPECIFIED = "", _("Je préfère ne pas le dire")


class Gender(models.TextChoices):
    """Self-declared, optional, asked only to measure equal access to the programme."""

    NOT_ASKED = "", _("Non renseigné")
    WOMAN = "woman", _("Femme")
    MAN = "man", _("Homme")
    OTHER = "other", _("Autre")
    DECLINED = "declined", _("Ne souhaite pas répondre")


class AgeBand(models.TextChoices):
    """Self-declared age band (never a birth date: only the band serves the purpose)."""

    NOT_ASKED = "", _("Non renseigné")
    UNDER_26 = "under_26", _("Moins de 26 ans")
    FROM_26_TO_35 = "26_35", _("26 à 35 ans")
    FROM_36_TO_45 = "36_45", _("36 à 45 ans")
    FROM_46_TO_55 = "46_55", _("46 à 55 ans")
    FROM_56 = "56_plus", _("56 ans et plus")
    DECLINED = "declined", _("Ne souhaite pas répondre")


class Person(models.Model):
    """The applicant (porteur·se de projet): contact details of a user who applies.

    The primary key is the user's id, so ownership checks on the applicant's objects cost no
    query (``holder_id == user.pk``).
    """

    OWNER_FIELD = "user_id"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="person"
    )
    civility = models.CharField(
        _("civilité"), max_length=3, choices=Civility.choices, blank=True, default=""
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    role_in_structure = models.CharField(
        _("fonction dans la structure"), max_length=120, blank=True
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # Equity of access (plan indicators): optional, self-declared, with "ne souhaite pas
    # répondre"; blank means the question was never answered.
    gender = models.CharField(
        _("genre (déclaratif)"), max_length=10, choices=Gender.choices, blank=True, default=""
    )
    age_band = models.CharField(
        _("tranche d'âge (déclarative)"),
        max_length=10,
        choices=AgeBand.choices,
        blank=True,
        default="",
    )

    class Meta:
        verbose_name = _("porteur·se de projet")
        verbose_name_plural = _("porteur·ses de projet")

    def __str__(self) -> str:
        return str(self.user)


class ConsentPurpose(models.TextChoices):
    PRIVACY_NOTICE = "privacy_notice", _("Information sur le traitement des données (RGPD)")
    SHARE_WITH_PARTNERS = (
        "share_partners",
        _("Partage du dossier avec les structures d'accompagnement et les financeurs"),
    )
    NEWSLETTER = "newsletter", _("Informations sur les événements de l'ESS de la MEL")


class ConsentRecord(models.Model):
    """One consent given or withdrawn, kept as a history (never updated in place)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("objet"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("accordé"))
    text_version = models.CharField(_("version du texte"), max_length=20)
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["person", "purpose", "-recorded_at"])]

    def __str__(self) -> str:
        state = "accordé" if self.granted else "retiré"
        return f"{self.get_purpose_display()} : {state}"

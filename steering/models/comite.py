"""The Comité métropolitain: the steering committee of the MEL's ESS plan (elected officials
and partners) that meets twice a year and approves a semester report on the plan.

A meeting is read by the steering organisations chosen for it (``readers``): their groups
are granted ``view`` on it by the services (``steering.comite.services``), as a selection
committee's group is on its sessions. Members are listed per meeting: with an account (a
member of a steering organisation) or without (a name and a role).

The report keeps the figures it was generated with (``indicators``, the JSON of
``PlanIndicators``); once approved, its PDF bytes and their SHA-256 are stored with it and
the row can no longer change (``save`` refuses), so the approved document is served as it
was approved whatever the figures become. The meeting's date, place and the report's title
are kept with it at approval, and the meeting's date, place and status can no longer change
either (``ComiteMeeting.save`` refuses).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ApplicationError
from accounts.french import long_date


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Programmée")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


FROZEN_MEETING_FIELDS = ("starts_at", "place", "status")


class ComiteMeeting(models.Model):
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=255)
    status = models.CharField(
        _("statut"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    readers = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="comite_meetings",
        verbose_name=_("organisations qui consultent la séance et son rapport"),
        help_text=_("Organisations de pilotage et d'évaluation ; leurs membres voient la séance."),
        limit_choices_to={"kind": "steering"},
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("séance du Comité métropolitain")
        verbose_name_plural = _("séances du Comité métropolitain")
        ordering = ["starts_at"]
        permissions = [
            ("generate_comitemeeting", "Générer le rapport semestriel d'une séance"),
            ("approve_comitemeeting", "Enregistrer l'approbation du rapport semestriel"),
        ]

    def __str__(self) -> str:
        return f"Comité métropolitain du {long_date(self.starts_at)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Once its report is approved, the meeting's date, place and status are part of an
        # approved document: refused whoever tries (the admin, a service, a shell).
        if self.pk is not None:
            approved = SemesterReport.objects.filter(meeting_id=self.pk, approved_at__isnull=False)
            stored = ComiteMeeting.objects.filter(pk=self.pk).values(*FROZEN_MEETING_FIELDS)
            row = stored.first() if approved.exists() else None
            if row is not None and any(row[f] != getattr(self, f) for f in FROZEN_MEETING_FIELDS):
                raise ApplicationError(
                    "Le rapport de cette séance a été approuvé par le Comité : la date, le lieu "
                    "et le statut de la séance ne changent plus."
                )
        super().save(*args, **kwargs)

    @property
    def report_is_approved(self) -> bool:
        return SemesterReport.objects.filter(meeting_id=self.pk, approved_at__isnull=False).exists()


class ComiteMember(models.Model):
    """One member of a meeting: a person with an account, or a name and a role."""

    meeting = models.ForeignKey(
        ComiteMeeting, on_delete=models.CASCADE, related_name="members", verbose_name=_("séance")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
        help_text=_("Pour un membre qui a un compte dans une organisation de pilotage."),
        limit_choices_to={"memberships__organisation__kind": "steering"},
    )
    name = models.CharField(
        _("nom"), max_length=200, blank=True, help_text=_("Pour un membre sans compte.")
    )
    role = models.CharField(
        _("qualité"), max_length=200, help_text=_("Par exemple : Vice-présidente de la MEL.")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(name=""))
                | (models.Q(user__isnull=True) & ~models.Q(name="")),
                name="comite_member_account_or_name",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id is not None:
            return self.user.get_full_name() or str(self.user)  # type: ignore[union-attr]
        return self.name

    def clean(self) -> None:
        if (self.user_id is None) == (not self.name):
            raise ValidationError(
                "Choisissez le compte du membre, ou saisissez son nom s'il n'a pas de compte."
            )


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        ComiteMeeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("séance")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("point"), max_length=255)
    presenter = models.CharField(_("présenté par"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), null=True, blank=True)

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class SemesterReport(models.Model):
    meeting = models.OneToOneField(
        ComiteMeeting, on_delete=models.PROTECT, related_name="report", verbose_name=_("séance")
    )
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    indicators = models.JSONField(_("indicateurs calculés"))
    generated_at = models.DateTimeField(_("généré le"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("généré par"),
    )
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approbation enregistrée par"),
    )
    # The approved PDF itself (tens of kilobytes, twice a year): in the row, so the approval
    # and its bytes are written in one transaction and cannot drift apart.
    pdf = models.BinaryField(_("PDF approuvé"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64, blank=True)
    # The meeting as the approved report names it, kept at approval: the page and the PDF of
    # an approved report never read the meeting live.
    approved_title = models.CharField(_("titre du rapport approuvé"), max_length=255, blank=True)
    approved_meeting_at = models.DateTimeField(
        _("date de la séance d'approbation"), null=True, blank=True
    )
    approved_meeting_place = models.CharField(
        _("lieu de la séance d'approbation"), max_length=255, blank=True
    )

    class Meta:
        verbose_name = _("rapport semestriel")
        verbose_name_plural = _("rapports semestriels")

    def __str__(self) -> str:
        return f"Rapport — {self.meeting}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An approved report is frozen, whoever tries (a service, the admin, a shell).
        if (
            self.pk is not None
            and SemesterReport.objects.filter(pk=self.pk, approved_at__isnull=False).exists()
        ):
            raise ApplicationError("Ce rapport a été approuvé par le Comité : il ne change plus.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if SemesterReport.objects.filter(pk=self.pk, approved_at__isnull=False).exists():
            raise ApplicationError("Ce rapport a été approuvé par le Comité : il ne change plus.")
        return super().delete(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def session_at(self) -> Any:
        """The meeting's moment: as kept at approval, or the meeting's while a draft."""
        if self.is_approved and self.approved_meeting_at is not None:
            return self.approved_meeting_at
        return self.meeting.starts_at

    @property
    def session_place(self) -> str:
        if self.is_approved and self.approved_meeting_at is not None:
            return self.approved_meeting_place
        return self.meeting.place

"""The journey's own records: the process row (one per project) and its history.

``Journey`` is a concrete subclass of viewflow's ``Process`` so that lists join real,
indexed columns (stage, project, holder) and guardian can grant on it (a proxy process
would break guardian's content-type lookup).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from workflows.models.history import StageRemembered


class JourneyStage(models.TextChoices):
    TRIAGE = "triage", _("Premier contact reçu, en cours de tri")
    ORIENTATION = "orientation", _("Orientation proposée à une structure d'accompagnement")
    SUPPORT = "support", _("Accompagnement en cours")
    READY_TO_APPLY = "ready", _("Prêt à candidater à Entreprendre Autrement")
    REDIRECTED = "redirected", _("Réorienté vers un autre dispositif")
    SUPPORT_ENDED = "support_ended", _("Accompagnement terminé")
    WITHDRAWN = "withdrawn", _("Retiré par le porteur")


class SupportConclusion(models.TextChoices):
    READY = "ready", _("Prêt à candidater (avis favorable)")
    ABANDONED = "abandoned", _("Abandon du projet")
    REDIRECTED = "redirected", _("Réorienté vers un autre dispositif")
    NOT_READY = "not_ready", _("Projet pas encore prêt")


class Journey(StageRemembered, Process):
    """An entrepreneur's journey for one project, from first contact to the end of support."""

    OWNER_FIELD = "holder_id"

    project = models.OneToOneField(
        "applicants.Project", on_delete=models.PROTECT, related_name="journey"
    )
    # No reverse accessors on Person/Organisation: django-stubs cannot type managers that
    # lead to a subclass of viewflow's untyped Process (query Journey directly instead).
    holder = models.ForeignKey("applicants.Person", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(
        _("étape"),
        max_length=20,
        choices=JourneyStage.choices,
        default=JourneyStage.TRIAGE,
        db_index=True,
    )
    needs = models.TextField(_("besoins exprimés"), blank=True)
    triage_note = models.TextField(_("note de tri"), blank=True)
    redirect_reason = models.TextField(_("motif de la réorientation"), blank=True)
    redirect_guidance = models.TextField(_("où s'adresser"), blank=True)
    proposed_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure proposée"),
    )
    diagnostic = models.TextField(_("diagnostic"), blank=True)
    support_plan = models.TextField(_("plan d'accompagnement"), blank=True)
    last_support_activity = models.DateTimeField(
        _("dernière activité d'accompagnement"), null=True, blank=True
    )
    conclusion = models.CharField(
        _("conclusion de l'accompagnement"),
        max_length=20,
        choices=SupportConclusion.choices,
        blank=True,
    )
    conclusion_reason = models.TextField(_("motif"), blank=True)
    opinion = models.TextField(_("avis de la structure d'accompagnement"), blank=True)
    recommended_amount = models.DecimalField(
        _("montant recommandé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    withdrawn_reason = models.TextField(_("motif du retrait"), blank=True)

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        permissions = [
            ("triage_journey", _("Trier les premiers contacts")),
            ("orient_journey", _("Accepter ou décliner une orientation")),
            ("support_journey", _("Accompagner le projet")),
        ]

    def __str__(self) -> str:
        return f"Parcours — {self.project}"

    # Gateway conditions, read by the flow as ``act.process.<name>``: properties, because
    # ``act`` returns the attribute itself (a bound method would always be true).

    @property
    def is_qualified(self) -> bool:
        return self.proposed_organisation_id is not None and not self.redirect_reason

    @property
    def orientation_accepted(self) -> bool:
        return self.stage == JourneyStage.SUPPORT

    @property
    def ready_to_apply(self) -> bool:
        return self.conclusion == SupportConclusion.READY


class OrientationOutcome(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    EXPIRED = "expired", _("Sans réponse dans le délai")


class Orientation(models.Model):
    """One proposal of the journey to a support organisation, kept as history."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="orientations")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="orientations"
    )
    outcome = models.CharField(
        max_length=10, choices=OrientationOutcome.choices, default=OrientationOutcome.PENDING
    )
    reason = models.TextField(_("motif"), blank=True)
    proposed_at = models.DateTimeField(default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_outcome_display()}"


class SupportSession(models.Model):
    """A session of the support log: when, how long, what about."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="support_sessions")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    topic = models.CharField(_("sujet"), max_length=200)
    notes = models.TextField(_("compte rendu"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("séance d'accompagnement")
        verbose_name_plural = _("séances d'accompagnement")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} — {self.topic}"


class SupportMilestone(models.Model):
    """A milestone of the support plan."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("étape du plan"), max_length=200)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("Premier contact")
    DUPLICATE_CONTACT = "duplicate_contact", _("Nouveau contact d'une personne déjà connue")
    TRIAGED = "triaged", _("Tri")
    REDIRECTED = "redirected", _("Réorientation")
    ORIENTATION_PROPOSED = "orientation_proposed", _("Orientation proposée")
    ORIENTATION_ACCEPTED = "orientation_accepted", _("Orientation acceptée")
    ORIENTATION_DECLINED = "orientation_declined", _("Orientation déclinée")
    ORIENTATION_EXPIRED = "orientation_expired", _("Orientation sans réponse")
    ESCALATED = "escalated", _("Relance du responsable du programme")
    SUPPORT_SESSION = "support_session", _("Séance d'accompagnement")
    SUPPORT_REMINDER = "support_reminder", _("Relance : pas d'activité d'accompagnement")
    SUPPORT_CONCLUDED = "support_concluded", _("Fin de l'accompagnement")
    WITHDRAWN = "withdrawn", _("Retrait")


class JourneyEvent(models.Model):
    """The journey's timeline: what happened, when, by whom; some lines are for staff only."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    message = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    visible_to_applicant = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("événement du parcours")
        verbose_name_plural = _("événements du parcours")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["journey", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d/%m/%Y})"


class OrientationRule(models.Model):
    """An editable rule suggesting a support organisation at triage (first match wins)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="orientation_rules",
        limit_choices_to={"kind": "support"},
        verbose_name=_("structure suggérée"),
    )
    sectors = models.CharField(
        _("secteurs"),
        max_length=255,
        blank=True,
        help_text=_("Codes de secteur séparés par des virgules ; vide : tous."),
    )
    stages = models.CharField(
        _("stades"),
        max_length=100,
        blank=True,
        help_text=_("idea, emergence, creation, development ; vide : tous."),
    )
    communes = models.ManyToManyField(
        "applicants.Commune",
        blank=True,
        related_name="+",
        verbose_name=_("communes (vide : toutes)"),
    )
    qpv_only = models.BooleanField(_("seulement les projets en QPV"), default=False)
    priority = models.PositiveSmallIntegerField(_("priorité"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("règle d'orientation")
        verbose_name_plural = _("règles d'orientation")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} (priorité {self.priority})"

    def matches(
        self,
        *,
        sector: str,
        stage: str,
        commune_id: str | None,
        in_qpv: bool,
        commune_ids: set[str],
    ) -> bool:
        listed = lambda text: [v.strip() for v in text.split(",") if v.strip()]  # noqa: E731
        return (
            (not listed(self.sectors) or sector in listed(self.sectors))
            and (not listed(self.stages) or stage in listed(self.stages))
            and (not commune_ids or commune_id in commune_ids)
            and (in_qpv or not self.qpv_only)
        )

"""Selection by the committee (stage 8): each member's scoring, conflicts of interest and the
session's deliberation.

A member's scoring is its own small process (``Scoring``, run by ``ScoringFlow``) so that it
is a real task in that member's inbox, with its own lock and deadline; the application does
not wait for it: the deliberation closes whatever is still open.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class Scoring(Process):
    """One committee member's weighted scoring of one dossier for one session."""

    OWNER_FIELD = "member_id"

    # Not ``application``: viewflow's Process already has that name (the Application link).
    dossier = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="scorings"
    )
    session = models.ForeignKey(
        "reviewers.CommitteeSession", on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("commentaire"), blank=True)
    weighted_score = models.DecimalField(
        _("note pondérée (sur 100)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("notée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relancé·e le"), null=True, blank=True)

    class Meta:
        db_table = "workflows_scoring"  # moved from workflows, table kept
        verbose_name = _("notation")
        verbose_name_plural = _("notations")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "session", "member"], name="one_scoring_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"Notation de {self.member} — {self.dossier_id}"


class CriterionScore(models.Model):
    """A member's score on one criterion of the grid, with an optional comment."""

    scoring = models.ForeignKey(Scoring, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "funding.ScoringCriterion", on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("note"))
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta:
        db_table = "workflows_criterionscore"  # moved from workflows, table kept
        verbose_name = _("note par critère")
        verbose_name_plural = _("notes par critère")
        ordering = ["criterion__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scoring", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} : {self.score}"


class ConflictDeclaration(models.Model):
    """A member withdraws (« se déporte ») from one dossier of a session: no scoring, no vote."""

    session = models.ForeignKey(
        "reviewers.CommitteeSession", on_delete=models.PROTECT, related_name="conflicts"
    )
    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="conflicts"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    automatic = models.BooleanField(
        _("détecté automatiquement"),
        default=False,
        help_text=_("Le membre appartient à la structure qui accompagne le projet."),
    )
    declared_at = models.DateTimeField(_("déclaré le"), default=timezone.now)

    class Meta:
        db_table = "workflows_conflictdeclaration"  # moved from workflows, table kept
        verbose_name = _("déclaration de conflit d'intérêts")
        verbose_name_plural = _("déclarations de conflit d'intérêts")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "application", "member"], name="one_conflict_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"Déport de {self.member} — {self.application_id}"


class Outcome(models.TextChoices):
    FAVOURABLE = "favourable", _("Avis favorable")
    WITH_CONDITIONS = "with_conditions", _("Avis favorable sous conditions")
    ADJOURNED = "adjourned", _("Ajourné")
    UNFAVOURABLE = "unfavourable", _("Avis défavorable")


class Deliberation(models.Model):
    """The committee's collective avis on a dossier at one session (kept apart from the
    individual scores). An adjourned dossier gets a new deliberation at a later session."""

    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="deliberations"
    )
    session = models.ForeignKey(
        "reviewers.CommitteeSession", on_delete=models.PROTECT, related_name="deliberations"
    )
    outcome = models.CharField(_("avis"), max_length=20, choices=Outcome.choices)
    proposed_amount = models.DecimalField(
        _("montant proposé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("motivation"), blank=True)
    average_score = models.DecimalField(
        _("note moyenne (sur 100)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    scorings_submitted = models.PositiveSmallIntegerField(_("notations reçues"), default=0)
    members_withdrawn = models.PositiveSmallIntegerField(_("membres déportés"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        db_table = "workflows_deliberation"  # moved from workflows, table kept
        verbose_name = _("délibération")
        verbose_name_plural = _("délibérations")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.application_id}"

    @property
    def is_favourable(self) -> bool:
        return self.outcome in (Outcome.FAVOURABLE, Outcome.WITH_CONDITIONS)

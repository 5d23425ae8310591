"""The application's records (stages 5 to 7): the dossier itself, its budget and co-financing,
who edited what, the mandate given to the supporting organisation, complement requests and
the eligibility checks.

``Application`` is a concrete subclass of viewflow's ``Process`` (like ``Journey``) so that
guardian can grant on it and lists join real columns.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from funding.models import FundingInstrument
from workflows.models.history import StageRemembered


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée, en cours de vérification")
    INCOMPLETE = "incomplete", _("Incomplète : compléments demandés")
    COMPLETE = "complete", _("Complète, en cours d'examen de l'éligibilité")
    ELIGIBLE = "eligible", _("Éligible — inscription en comité")
    INELIGIBLE = "ineligible", _("Non éligible")
    ON_AGENDA = "on_agenda", _("Inscrite à l'ordre du jour du comité")
    ADJOURNED = "adjourned", _("Ajournée : à retravailler pour une prochaine séance")
    REJECTED = "rejected", _("Avis défavorable du comité")
    FUNDING = "funding", _("Avis favorable : décisions des financeurs en cours")
    NOT_FUNDED = "not_funded", _("Non financée")
    CONVENTION = "convention", _("Financée : convention et premier versement")
    FOLLOW_UP = "follow_up", _("Financée : suivi en cours")
    CLOSED = "closed", _("Suivi terminé, dossier clôturé")
    CLOSED_NO_FOLLOW_UP = "closed_no_follow_up", _("Classée sans suite")
    WITHDRAWN = "withdrawn", _("Retirée par le porteur")


class ApplicationAxis(models.TextChoices):
    STARTUP = "startup", _("Démarrage")
    DEVELOPMENT = "development", _("Développement")


class Application(StageRemembered, Process):
    """An application to Entreprendre Autrement, one per journey ready to apply."""

    OWNER_FIELD = "holder_id"

    # Not ``journey``: viewflow's Process already has that name (the Journey subclass link).
    source_journey = models.OneToOneField(
        "workflows.Journey",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("parcours d'origine"),
    )
    project = models.ForeignKey("applicants.Project", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey("applicants.Person", on_delete=models.PROTECT, related_name="+")
    rule_version = models.ForeignKey(
        "funding.CallRuleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("règlement appliqué"),
    )
    # ``status`` is taken by viewflow's Process (the flow's own state).
    stage = models.CharField(
        _("statut"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    axis = models.CharField(_("volet"), max_length=12, choices=ApplicationAxis.choices, blank=True)
    requested_amount = models.DecimalField(
        _("montant demandé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    total_budget = models.DecimalField(
        _("budget prévisionnel (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    jobs_planned_fte = models.DecimalField(
        _("emplois prévus (ETP)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    social_utility = models.TextField(_("utilité sociale"), blank=True)
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    refusal_reasons = models.TextField(_("motifs du refus"), blank=True)
    closed_notice = models.TextField(_("avis de clôture"), blank=True)
    withdrawn_reason = models.TextField(_("motif du retrait"), blank=True)
    committee_session = models.ForeignKey(
        "reviewers.CommitteeSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        # "+": django-stubs cannot type reverse managers of Process subclasses; query
        # Application.objects.filter(committee_session=…) instead.
        related_name="+",
        verbose_name=_("séance du comité"),
    )
    instruction_note = models.TextField(_("note d'instruction"), blank=True)
    decided_at = models.DateTimeField(_("décision du comité le"), null=True, blank=True)
    conditions_met_at = models.DateTimeField(
        _("conditions du comité levées le"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        permissions = [
            ("instruct_application", _("Instruire les candidatures")),
            ("fill_application", _("Remplir la candidature pour le porteur")),
            ("consult_application", _("Lire les pièces du dossier qu'on note (comité)")),
        ]

    def __str__(self) -> str:
        return f"Candidature — {self.project}"

    # Gateway conditions, read by the flow as ``act.process.<name>`` (properties).

    @property
    def is_complete(self) -> bool:
        return self.stage == ApplicationStatus.COMPLETE

    @property
    def is_eligible(self) -> bool:
        return self.stage == ApplicationStatus.ELIGIBLE

    @property
    def is_favourable(self) -> bool:
        return self.stage == ApplicationStatus.FUNDING

    @property
    def is_adjourned(self) -> bool:
        return self.stage == ApplicationStatus.ADJOURNED

    @property
    def is_funded(self) -> bool:
        return self.stage == ApplicationStatus.CONVENTION

    @property
    def has_reports_to_come(self) -> bool:
        return self.reports.filter(submitted_at__isnull=True).exists()


class BudgetKind(models.TextChoices):
    CHARGE = "charge", _("Charge")
    PRODUIT = "produit", _("Produit")


class BudgetLine(models.Model):
    """A line of the budget prévisionnel; charges and produits must balance."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    kind = models.CharField(_("nature"), max_length=10, choices=BudgetKind.choices)
    label = models.CharField(_("libellé"), max_length=200)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("ligne de budget")
        verbose_name_plural = _("lignes de budget")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.label}"


class FinancingStatus(models.TextChoices):
    SOUGHT = "sought", _("Sollicité")
    OBTAINED = "obtained", _("Obtenu")


class FinancingLine(models.Model):
    """A co-financing of the project, sought or obtained."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="financing_lines"
    )
    financier_name = models.CharField(_("financeur"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=FundingInstrument.choices)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("statut"), max_length=10, choices=FinancingStatus.choices, default=FinancingStatus.SOUGHT
    )

    class Meta:
        verbose_name = _("cofinancement")
        verbose_name_plural = _("cofinancements")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.financier_name} — {self.get_instrument_display()}"


class ChecklistItem(models.Model):
    """A required document with a file handed in, named after its latest file. Derived: only
    the documents store writes it (``application_checklist_sync``), when a file is stored or
    deleted, so completeness can read it without reading the files."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="checklist_items"
    )
    document = models.ForeignKey(
        "funding.RequiredDocument", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("nom du fichier"), max_length=255)

    class Meta:
        verbose_name = _("pièce jointe au dossier")
        verbose_name_plural = _("pièces jointes au dossier")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "document"], name="one_checklist_item_per_document"
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class ApplicationEdit(models.Model):
    """Who changed which field of the application, when — and under a mandate or not."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="edits")
    field = models.CharField(_("champ"), max_length=80)
    old_value = models.TextField(_("ancienne valeur"), blank=True)
    new_value = models.TextField(_("nouvelle valeur"), blank=True)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey(
        "workflows.Mandate", on_delete=models.PROTECT, null=True, blank=True, related_name="edits"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("modification de candidature")
        verbose_name_plural = _("modifications de candidature")
        ordering = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field} ({self.edited_at:%d/%m/%Y %H:%M})"


class Mandate(models.Model):
    """The applicant lets the supporting organisation's advisors fill in the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="mandates")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")
        ordering = ["-granted_at", "-pk"]

    def __str__(self) -> str:
        return f"Mandat à {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def complement_deadline() -> datetime.date:
    """Default deadline of a complement request: ``COMPLEMENT_DEADLINE_DAYS`` (30) from today."""
    days = settings.COMPLEMENT_DEADLINE_DAYS
    return timezone.localdate() + datetime.timedelta(days=days)


class ComplementRequest(models.Model):
    """MEL staff ask for missing items; only those can be edited until the answer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="complement_requests"
    )
    items = models.JSONField(_("éléments demandés"), default=list)
    message = models.TextField(_("message"))
    deadline = models.DateField(_("à fournir avant le"), default=complement_deadline)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demande de compléments")
        verbose_name_plural = _("demandes de compléments")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Compléments demandés le {self.requested_at:%d/%m/%Y}"


class EligibilityCheck(models.Model):
    """One rule checked at the eligibility step, with its result."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    rule = models.CharField(_("règle"), max_length=40)
    label = models.CharField(_("intitulé"), max_length=200)
    passed = models.BooleanField(_("respectée"))
    detail = models.TextField(_("détail"), blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vérification d'éligibilité")
        verbose_name_plural = _("vérifications d'éligibilité")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label} : {'oui' if self.passed else 'non'}"


class ApplicationEvent(models.Model):
    """A line of the application's history (reminders, decisions)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    message = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Conflicts of interest, reminders to members, a financier's reasons: MEL staff only.
    staff_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.message[:60]

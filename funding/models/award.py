"""After a favourable avis (stages 9 to 11): each financier's funding line, the convention,
the tranches of payment and the follow-up reports.

A funding line is its own small process (``FundingLine``, run by ``FundingLineFlow``) so that
each financier decides and signs its own line in parallel with the others, in its own inbox;
the application waits until every line is settled.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class FundingInstrument(models.TextChoices):
    SUBV_FONCT = "SUBV_FONCT", _("Subvention de fonctionnement")
    SUBV_INVEST = "SUBV_INVEST", _("Subvention d'investissement")
    PRET_HONNEUR = "PRET_HONNEUR", _("Prêt d'honneur")
    AVANCE_REMB = "AVANCE_REMB", _("Avance remboursable")
    GARANTIE = "GARANTIE", _("Garantie bancaire")
    PRET_BANCAIRE = "PRET_BANCAIRE", _("Prêt bancaire")
    PRET_SOLIDAIRE = "PRET_SOLIDAIRE", _("Prêt solidaire / participatif")
    APPORT_FP = "APPORT_FP", _("Apport en fonds propres")
    CAA = "CAA", _("Contrat d'apport associatif")
    MICROCREDIT = "MICROCREDIT", _("Microcrédit")
    DON_MECENAT = "DON_MECENAT", _("Don / mécénat / financement participatif")
    ACCOMP_NONFIN = "ACCOMP_NONFIN", _("Aide non financière")


class LineState(models.TextChoices):
    PENDING = "pending", _("En attente de décision")
    AWAITING_SECOND = "awaiting_second", _("Accordé, en attente de la seconde signature")
    GRANTED = "granted", _("Accordé")
    DECLINED = "declined", _("Refusé")
    CANCELLED = "cancelled", _("Annulé")


SETTLED_STATES = (LineState.GRANTED, LineState.DECLINED, LineState.CANCELLED)


class FundingLine(Process):
    """What one financier puts in: its instrument, the amount, its decision and signatures."""

    # Not ``application``: viewflow's Process already has that name (the Application link).
    dossier = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="funding_lines"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("financeur"),
    )
    is_programme_grant = models.BooleanField(_("subvention Entreprendre Autrement"), default=False)
    instrument = models.CharField(_("instrument"), max_length=20, choices=FundingInstrument.choices)
    proposed_amount = models.DecimalField(_("montant proposé (€)"), max_digits=12, decimal_places=2)
    decided_amount = models.DecimalField(
        _("montant accordé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(
        _("décision"),
        max_length=20,
        choices=LineState.choices,
        default=LineState.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("motif ou commentaire"), blank=True)
    first_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_signed_at = models.DateTimeField(_("première signature le"), null=True, blank=True)
    second_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_signed_at = models.DateTimeField(_("seconde signature le"), null=True, blank=True)

    class Meta:
        db_table = "workflows_fundingline"  # moved from workflows, table kept
        verbose_name = _("ligne de financement")
        verbose_name_plural = _("lignes de financement")
        permissions = [("sign_fundingline", _("Décider et signer sa ligne de financement"))]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_instrument_display()}"

    # Gateway condition, read by the flow as ``act.process.needs_second_signature``.
    @property
    def needs_second_signature(self) -> bool:
        return self.state == LineState.AWAITING_SECOND

    @property
    def is_settled(self) -> bool:
        return self.state in SETTLED_STATES


class Convention(models.Model):
    """The convention between the MEL and the beneficiary (mandatory above the threshold)."""

    application = models.OneToOneField(
        "workflows.Application", on_delete=models.CASCADE, related_name="convention"
    )
    required = models.BooleanField(_("obligatoire"))
    waived = models.BooleanField(
        _("remplacée par une notification"),
        default=False,
        help_text=_("Possible seulement sous le seuil de la convention obligatoire."),
    )
    holder_signed_on = models.DateField(_("signée par le bénéficiaire le"), null=True, blank=True)
    mel_signed_on = models.DateField(_("signée par la MEL le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "workflows_convention"  # moved from workflows, table kept
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")

    def __str__(self) -> str:
        return f"Convention — {self.application_id}"

    @property
    def is_signed(self) -> bool:
        return self.holder_signed_on is not None and self.mel_signed_on is not None


class Condition(models.TextChoices):
    CONVENTION_SIGNED = "convention_signed", _("Convention signée (ou notification envoyée)")
    COMMITTEE_CONDITIONS_MET = "committee_conditions_met", _("Conditions du comité levées")
    ESUS_GRANTED = "esus_granted", _("Agrément ESUS obtenu (si exigé)")
    IBAN_KNOWN = "iban_known", _("Coordonnées bancaires de la structure connues")
    FINAL_REPORT_RECEIVED = "final_report_received", _("Rapport final reçu")


class Tranche(models.Model):
    """A payment of the MEL grant (advance, balance) and the conditions it waits for."""

    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="tranches"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    label = models.CharField(_("tranche"), max_length=80)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    conditions = models.JSONField(_("conditions"), default=list)
    released_at = models.DateTimeField(_("versement ordonné le"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "workflows_tranche"  # moved from workflows, table kept
        verbose_name = _("tranche de versement")
        verbose_name_plural = _("tranches de versement")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "position"], name="one_tranche_per_rank")
        ]

    def __str__(self) -> str:
        return self.label


class FollowUpReport(models.Model):
    """A report due some months after the decision, with the plan's indicators."""

    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="reports"
    )
    months = models.PositiveSmallIntegerField(_("échéance (mois après la décision)"))
    due_on = models.DateField(_("à rendre le"))
    is_final = models.BooleanField(_("rapport final"), default=False)
    submitted_at = models.DateTimeField(_("rendu le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(_("relance le"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("signalé au responsable le"), null=True, blank=True)
    jobs_created_fte = models.DecimalField(
        _("emplois créés (ETP)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    jobs_kept_fte = models.DecimalField(
        _("emplois maintenus (ETP)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    qpv_residents_hired = models.PositiveIntegerField(
        _("dont personnes habitant un QPV"), null=True, blank=True
    )
    turnover = models.DecimalField(
        _("chiffre d'affaires (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    beneficiaries = models.PositiveIntegerField(_("bénéficiaires"), null=True, blank=True)
    still_active = models.BooleanField(_("activité toujours en cours"), null=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        db_table = "workflows_followupreport"  # moved from workflows, table kept
        verbose_name = _("rapport de suivi")
        verbose_name_plural = _("rapports de suivi")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "months"], name="one_report_per_due")
        ]

    def __str__(self) -> str:
        return f"Rapport à {self.months} mois"


class BankDetailsRequest(models.Model):
    """MEL staff ask the holder for the structure's bank details, by a date: a payment
    waiting for an IBAN then has an owner (the holder), a deadline and a page to answer."""

    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="bank_details_requests"
    )
    requested_at = models.DateTimeField(_("demandées le"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("à fournir avant le"))
    answered_at = models.DateTimeField(_("fournies le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("demande de coordonnées bancaires")
        verbose_name_plural = _("demandes de coordonnées bancaires")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Coordonnées bancaires à fournir avant le {self.due_on:%d/%m/%Y}"

"""What the privacy app records itself: the retention runs, night after night, the warnings
sent before an inactive account ends, and which dossiers were anonymised. No personal data
here: objects are named by kind and number only.

The anonymisation marker is a row of its own (not a column of ``workflows.Journey``) so that
the layers below never learn about anonymisation; the retention rules exclude marked
dossiers in the same query that finds the due ones, so a second run finds nothing.

Records of the people's rights: the partners' access set aside while a consent is withdrawn
(``SuspendedGrant``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminée")
    DONE_WITH_FAILURES = "failures", _("terminée, avec des échecs")
    INTERRUPTED = "interrupted", _("interrompue")


class RetentionRun(models.Model):
    """One pass of every retention rule (the nightly job, the command, or the DPO's dry run)."""

    started_at = models.DateTimeField(_("commencée le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    # The instant the rules were evaluated at (a run can be replayed "as of" a date).
    as_of = models.DateTimeField(_("date de référence"))
    # Last sign of life: a run silent for long was interrupted (its worker died).
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), default=timezone.now)
    dry_run = models.BooleanField(_("simulation"), default=False)
    status = models.CharField(
        _("statut"), max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lancée par"),
    )

    class Meta:
        verbose_name = _("exécution des règles de conservation")
        verbose_name_plural = _("exécutions des règles de conservation")
        ordering = ["-started_at", "-pk"]
        permissions = [
            ("simulate_retentionrun", _("Simuler les règles de conservation")),
        ]

    def __str__(self) -> str:
        kind = "Simulation" if self.dry_run else "Exécution"
        return f"{kind} du {self.started_at:%d/%m/%Y %H:%M}"


class RetentionRuleResult(models.Model):
    """What one rule found and did in one run: counts, and a few objects by kind and number."""

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveSmallIntegerField(_("ordre"))
    rule_code = models.CharField(_("règle"), max_length=60)
    due = models.PositiveIntegerField(_("à traiter"), default=0)
    done = models.PositiveIntegerField(_("traités"), default=0)
    failed = models.PositiveIntegerField(_("échecs"), default=0)
    # {"deleted": 3, "anonymised": 1}: what happened to the objects dealt with.
    outcomes = models.JSONField(_("issues"), default=dict)
    # A few references ("Utilisateur n° 12"): the objects a dry run would touch.
    sample = models.JSONField(_("exemples"), default=list)
    # [{"object": "Utilisateur n° 12", "error": "ProtectedError"}], at most a few.
    errors = models.JSONField(_("erreurs"), default=list)

    class Meta:
        verbose_name = _("résultat d'une règle de conservation")
        verbose_name_plural = _("résultats des règles de conservation")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "rule_code"], name="one_result_per_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} : {self.done}/{self.due}"


class AccountDeletionWarning(models.Model):
    """The e-mail telling an inactive person that their account will end on a date unless
    they sign in. Sent once per period of inactivity: a sign-in after ``warned_at`` makes
    it stale (the account is no longer due), and a new one is sent if they go quiet again."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion_warning"
    )
    warned_at = models.DateTimeField(_("prévenu le"))
    deletion_on = models.DateTimeField(_("suppression prévue le"))
    # The account was anonymised (it carries a dossier that is kept): it is never due again.
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("avertissement avant suppression du compte")
        verbose_name_plural = _("avertissements avant suppression des comptes")

    def __str__(self) -> str:
        return f"Compte n° {self.user_id} : suppression prévue le {self.deletion_on:%d/%m/%Y}"


class AnonymisedDossier(models.Model):
    """A dossier (a journey and its application, if any) whose personal data were removed."""

    journey = models.OneToOneField(
        "workflows.Journey",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("parcours"),
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), default=timezone.now)

    class Meta:
        verbose_name = _("dossier anonymisé")
        verbose_name_plural = _("dossiers anonymisés")
        ordering = ["-anonymised_at", "-pk"]

    def __str__(self) -> str:
        return f"Dossier n° {self.journey_id} anonymisé le {self.anonymised_at:%d/%m/%Y}"


class SuspendedGrant(models.Model):
    """A partner organisation's object permission on an applicant's dossier, taken away while
    the applicant has withdrawn their consent to partner sharing (``privacy.sharing``), to be
    given back as it was when they consent again. Dropped when the relationship behind it
    ends in the meantime (``accounts.signals.access_revoked``)."""

    person = models.ForeignKey(
        "applicants.Person",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("porteur·se"),
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_pk = models.CharField(max_length=255)
    suspended_at = models.DateTimeField(_("suspendu le"), default=timezone.now)

    class Meta:
        verbose_name = _("accès suspendu")
        verbose_name_plural = _("accès suspendus")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "permission", "object_pk"], name="suspended_grant_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_pk"], name="suspended_object")]

    def __str__(self) -> str:
        return f"{self.permission.codename} {self.content_type.model}:{self.object_pk}"

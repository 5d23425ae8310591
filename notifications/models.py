"""The outbox: one row per recipient and event, written in the transaction of the change
that causes it, delivered after commit. The same row is the in-app notification.

Knows users (the auth model) and opaque references to the dossier; never imports the
domain apps.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Event


class MailState(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("Envoi en cours")
    SENT = "sent", _("Envoyé")
    DIGEST = "digest", _("Dans le récapitulatif quotidien")
    FAILED = "failed", _("Échec après plusieurs essais")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("évènement"), max_length=40, choices=Event.choices)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("lien"), max_length=300, blank=True)
    # "<app_label>.<model>:<pk>" of the dossier, so staff see what was sent about it.
    dossier_ref = models.CharField(_("dossier"), max_length=80, blank=True, db_index=True)
    # One row per occurrence and recipient: a retried request or task never writes twice.
    key = models.CharField(_("clé d'idempotence"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    mail_state = models.CharField(
        _("état de l'e-mail"),
        max_length=10,
        choices=MailState.choices,
        default=MailState.PENDING,
    )
    mail_attempts = models.PositiveSmallIntegerField(_("essais d'envoi"), default=0)
    # After a transient failure: not before this moment (the relay backs off between tries).
    next_attempt_at = models.DateTimeField(_("prochain essai après"), null=True, blank=True)
    mail_sent_at = models.DateTimeField(_("e-mail envoyé le"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        permissions = [("resend_notification", _("Renvoyer une notification"))]
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_unread"),
            # The relay scans only what is still to send.
            models.Index(
                fields=["created_at"],
                name="notif_to_send",
                condition=models.Q(mail_state__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def message_id(self) -> str:
        """The same Message-ID for every attempt, so a receiving server can drop a copy."""
        return f"<notification-{self.pk}@{settings.NOTIFICATIONS_MAIL_DOMAIN}>"


class DeliveryMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Un e-mail à chaque évènement")
    DIGEST = "digest", _("Un récapitulatif par jour")


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mode = models.CharField(
        _("réception des e-mails"),
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.IMMEDIATE,
    )
    digest_sent_at = models.DateTimeField(_("dernier récapitulatif le"), null=True, blank=True)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_mode_display()}"

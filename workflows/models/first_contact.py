"""A first contact that waits for its author to prove the address typed on the public form.

Anyone may type anyone's e-mail address there: until the link e-mailed to that address is
followed, what was typed stays here, apart, linked to no account, project or journey. The
link's token is never stored: it is worked out from ``nonce`` with the site's secret key
(so the outbox-like resend after a broker fault can write the same link again), and only a
SHA-256 hash of it is kept, to find the row when the link is followed.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingFirstContact(models.Model):
    email = models.EmailField(_("adresse e-mail"), max_length=254)
    # What the form received, cleaned (commune as its id); emptied once confirmed, when it
    # lives in the account, the project and the journey.
    data = models.JSONField(_("réponses"), default=dict, blank=True)
    nonce = models.CharField(_("aléa du lien"), max_length=32)
    token_hash = models.CharField(_("empreinte du lien"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    expires_at = models.DateTimeField(_("lien valable jusqu'au"), db_index=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    # The e-mail with the link: sent after commit, resent by the relay after a fault.
    mail_sent_at = models.DateTimeField(_("e-mail envoyé le"), null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(_("essais d'envoi"), default=0)
    last_attempt_at = models.DateTimeField(_("dernier essai le"), null=True, blank=True)

    class Meta:
        verbose_name = _("premier contact à confirmer")
        verbose_name_plural = _("premiers contacts à confirmer")
        ordering = ["pk"]
        indexes = [
            # The relay scans only the e-mails still to send.
            models.Index(
                fields=["created_at"],
                name="first_contact_mail_todo",
                condition=models.Q(mail_sent_at__isnull=True, confirmed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Premier contact du {self.created_at:%d/%m/%Y %H:%M}"

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

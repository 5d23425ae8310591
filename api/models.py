"""The API's records: the partners' keys, their webhook subscriptions and the webhook outbox.

An ``ApiClient`` acts through its own technical user (``user``): a member of its
organisation's group with no password, no ``Membership`` row (it is never told by e-mail,
never counted as a signatory, never listed among the organisation's people) and no way to
sign in to the site. Every list and object is then filtered by the same policy as the
pages (``accounts.selectors.filter_visible``, ``user.has_perm``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """A key given to one organisation's system. Only a hash of its secret is kept."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom du système"), max_length=120)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
        verbose_name=_("compte technique"),
    )
    key_prefix = models.CharField(_("début de la clé"), max_length=16, unique=True, editable=False)
    # SHA-256 of the secret: the secret is 32 random bytes, so a slow hash adds nothing but
    # a cost on every request (a password needs one, a random key does not).
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(
        _("dernière utilisation"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        ordering = ["organisation__name", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    LINE_DECIDED = "ligne.decidee", _("Décision d'un financeur sur sa ligne")
    TRANCHE_RELEASED = "tranche.versee", _("Versement d'une tranche ordonné")


def all_events() -> list[str]:
    return [event.value for event in WebhookEvent]


class WebhookSubscription(models.Model):
    """An address of a partner's system told of decisions and payments it may see."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("adresse de réception"), max_length=500)
    secret = models.CharField(
        _("secret de signature"),
        max_length=64,
        editable=False,
        help_text=_("Sert à signer chaque envoi (HMAC-SHA256) ; donné au partenaire."),
    )
    events = models.JSONField(_("évènements"), default=all_events)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("abonnement webhook")
        verbose_name_plural = _("abonnements webhook")
        ordering = ["organisation__name", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.url}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    DELIVERED = "delivered", _("Reçu par le partenaire")
    FAILED = "failed", _("Abandonné après plusieurs essais")


class WebhookDelivery(models.Model):
    """One event for one subscription: written in the transaction of the decision or payment,
    posted after commit, retried with a growing delay until the partner answers 2xx."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("évènement"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("contenu"))
    idempotency_key = models.CharField(_("identifiant de l'évènement"), max_length=120, unique=True)
    state = models.CharField(
        _("état"),
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    # Also the lease of a delivery in flight: nobody else takes it before this time.
    next_attempt_at = models.DateTimeField(_("prochain essai après"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("dernier code HTTP"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    # The object the event is about: before each send, the organisation must still see it.
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("reçu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi webhook")
        verbose_name_plural = _("envois webhook")
        permissions = [("resend_webhookdelivery", _("Renvoyer un envoi webhook abandonné"))]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.subscription.url}"

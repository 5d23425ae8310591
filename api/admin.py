"""MEL staff give and revoke the partners' keys and webhook subscriptions here. A key is
shown once, when it is created; only its beginning and a hash of its secret are kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect

from accounts.exceptions import ApplicationError
from accounts.french import plural
from accounts.models import Organisation, User
from api.models import ApiClient, WebhookDelivery, WebhookEvent, WebhookSubscription
from api.services.clients import NO_KEY_KINDS, api_client_create, api_client_revoke
from api.services.webhooks import (
    webhook_deliveries_resend,
    webhook_subscribe,
    webhook_url_problem,
)


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["organisation", "name"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = (
        "name",
        "organisation",
        "key_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_select_related = ("organisation",)
    list_filter = ("organisation__kind",)
    readonly_fields = ("key_prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("organisation", "name", *self.readonly_fields) if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, never deleted: the audit trail refers to it

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":  # the services that get no key are not offered
            kwargs["queryset"] = Organisation.objects.exclude(kind__in=NO_KEY_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            return
        actor = request.user
        if not isinstance(actor, User):
            return
        try:
            created = api_client_create(organisation=obj.organisation, name=obj.name, actor=actor)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = created.client.pk
        self.message_user(
            request,
            f"Clé créée. Copiez-la maintenant et transmettez-la au partenaire par un canal sûr : "
            f"elle ne sera plus jamais affichée. Clé : {created.key}",
            messages.WARNING,
        )

    def response_add(
        self, request: HttpRequest, obj: ApiClient, post_url_continue: Any = None
    ) -> Any:
        return HttpResponseRedirect("../")

    @admin.action(description="Révoquer les clés sélectionnées")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset.select_related("user"):
            api_client_revoke(client=client, actor=request.user)
        self.message_user(request, "Clés révoquées : elles ne donnent plus accès à l'API.")


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label="Évènements",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    url = forms.URLField(label="Adresse de réception", max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["organisation", "url", "events", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        problem = webhook_url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return str(url)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("organisation", "url", "active", "created_at")
    list_select_related = ("organisation",)
    readonly_fields = ("secret", "created_at")

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = webhook_subscribe(organisation=obj.organisation, url=obj.url, events=obj.events)
        created.active = obj.active
        created.save(update_fields=["active"])
        obj.pk = created.pk


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "event",
        "subscription",
        "state",
        "attempts",
        "last_status",
        "created_at",
        "delivered_at",
    )
    list_filter = ("state", "event")
    list_select_related = ("subscription__organisation",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("api.resend_webhookdelivery")

    @admin.action(description="Renvoyer les envois abandonnés sélectionnés", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        ids = webhook_deliveries_resend(deliveries=queryset)
        if not ids:
            self.message_user(
                request,
                "Aucun envoi abandonné parmi la sélection : rien à renvoyer.",
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            f"{len(ids)}\u00a0{plural(len(ids), 'envoi remis', 'envois remis')} dans la file : "
            "chacun sera de nouveau essayé plusieurs jours durant.",
        )

"""``Authorization: Bearer <key>``: the request acts as the key's technical account, a
member of its organisation (``accounts.selectors.user_act_for``), so every list and object
answers through the same policy as the pages. One query per request, plus one write at most
once a minute (``last_used_at``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import User
from accounts.selectors import user_act_for
from api.keys import secret_matches, split_key
from api.models import ApiClient
from api.services.clients import api_client_touch

REFUSED = "Clé d'API inconnue ou révoquée. Demandez une nouvelle clé à l'équipe de la MEL."


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiClient] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no key: other authentications (the session) may answer
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization mal formé : écrivez « Bearer » puis la clé."
            )
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(REFUSED) from None
        parts = split_key(key)
        if parts is None:
            raise exceptions.AuthenticationFailed(REFUSED)
        client = self._client(parts[0])
        if client is None or not secret_matches(parts[1], client.secret_hash):
            raise exceptions.AuthenticationFailed(REFUSED)
        if client.revoked_at is not None or not client.user.is_active:
            raise exceptions.AuthenticationFailed(REFUSED)
        organisation = client.organisation
        if not organisation.is_active:
            raise exceptions.AuthenticationFailed(
                f"L'organisation « {organisation.name} » est désactivée : sa clé ne donne "
                "plus accès."
            )
        if not getattr(client, "in_group", True):
            # Reactivating an organisation gives its people their group back, not its keys.
            client.user.groups.add(organisation.group)
        user_act_for(client.user, organisation)
        api_client_touch(client=client)
        return client.user, client

    def _client(self, prefix: str) -> ApiClient | None:
        through: Any = User.groups.through
        in_group = through.objects.filter(
            user_id=OuterRef("user_id"), group_id=OuterRef("organisation__group_id")
        )
        return (
            ApiClient.objects.select_related("user", "organisation")
            .annotate(in_group=Exists(in_group))
            .filter(key_prefix=prefix)
            .first()
        )

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "cleApi"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Clé d'API de l'organisation, fournie une fois par l'équipe de la MEL.",
        }

"""Creating and revoking the partners' keys (MEL staff, from the admin)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, OrganisationKind, User
from api.keys import new_key
from api.models import ApiClient
from audit.models import AuditAction
from audit.services import audit_record

CLIENT_EMAIL_DOMAIN = "clients-api.invalid"  # .invalid: never a mailbox

# The MEL's services over people connect no system, and a key's technical account would hold
# their group's rights (who belongs where, anyone's data) for whoever made the key.
NO_KEY_KINDS = frozenset({OrganisationKind.ACCESS, OrganisationKind.DPO})


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    key: str  # shown once to whoever created it; never stored


@transaction.atomic
def api_client_create(*, organisation: Organisation, name: str, actor: User) -> NewClient:
    """A key for one organisation's system, acting as a technical member of the organisation
    (its group's rights, none of a person's: no password, no membership, no e-mail)."""
    if not organisation.is_active:
        raise ApplicationError(
            f"L'organisation « {organisation.name} » est désactivée : réactivez-la d'abord."
        )
    if organisation.kind in NO_KEY_KINDS:
        raise ApplicationError(
            f"« {organisation.name} » ne reçoit pas de clé d'API : ce service de la MEL ne "
            "relie aucun système à la plateforme.",
            field="organisation",
        )
    if not name.strip():
        raise ApplicationError("Nommez le système qui utilisera la clé.", field="name")
    key, prefix, hashed = new_key()
    user = User(
        email=f"api-{prefix}@{CLIENT_EMAIL_DOMAIN}",
        first_name="Client API",
        last_name=name.strip()[:150],
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(organisation.group)
    client = ApiClient.objects.create(
        organisation=organisation,
        name=name.strip(),
        user=user,
        key_prefix=prefix,
        secret_hash=hashed,
        created_by=actor,
    )
    audit_record(
        action=AuditAction.GRANT,
        actor=actor,
        obj=client,
        summary=f"Clé d'API créée pour {organisation} : {client.name} ({prefix}).",
    )
    return NewClient(client=client, key=key)


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor: User | AnonymousUser) -> ApiClient:
    """The key stops working at once, for good; its technical account loses every right."""
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    user = client.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.groups.clear()
    audit_record(
        action=AuditAction.REVOKE,
        actor=actor if isinstance(actor, User) else None,
        obj=client,
        summary=f"Clé d'API révoquée : {client.name} ({client.key_prefix}).",
    )
    return client


def api_client_touch(*, client: ApiClient) -> None:
    """Record the use of a key at most once a minute (not one write per request)."""
    now = timezone.now()
    last = client.last_used_at
    if last is not None and (now - last).total_seconds() < 60:
        return
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    client.last_used_at = now

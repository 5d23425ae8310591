"""Reads about users and what they may see. Lists are filtered here, per object, in SQL."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from guardian.models import GroupObjectPermission, UserObjectPermission

from .french import french_order
from .models import Membership, Organisation, OrganisationKind, User
from .permissions import permission_ids
from .policy import PERSONA_OF_KIND, Persona, Scope, allows
from .search import text_search

M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser

_CACHE_ATTR = "_personas_cache"


def _membership_rows(user: User) -> list[tuple[int, str, str, int]]:
    """(organisation, kind, role, group) of each membership in an active organisation: one
    query, kept on the user for the rest of the request."""
    cached = getattr(user, "_membership_rows_cache", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, organisation__is_active=True).values_list(
                "organisation_id", "organisation__kind", "role", "organisation__group_id"
            )
        )
        user._membership_rows_cache = cached  # type: ignore[attr-defined]
    return cached


def user_personas(user: AnyUser) -> frozenset[Persona]:
    """The personas a user acts as, from memberships, applicant profile and superuser flag.

    Cached on the user object, so a request pays for it once (one or two queries).
    """
    if not isinstance(user, User) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    personas = {PERSONA_OF_KIND[kind] for _, kind, _, _ in _membership_rows(user)}
    # The applicant profile lives with applicants and points here (``person``): asked through
    # that relation, accounts needs no import of the app above it.
    if User.objects.filter(pk=user.pk, person__isnull=False).exists():
        personas.add(Persona.APPLICANT)
    if user.is_superuser:
        personas.add(Persona.ADMINISTRATOR)
    result = frozenset(personas)
    setattr(user, _CACHE_ATTR, result)
    return result


def user_act_for(user: User, organisation: Organisation) -> None:
    """Let a technical account (a partner's API key) act as a member of ``organisation``
    for this request, though it has no ``Membership`` row: it then reads exactly what the
    organisation's people read, and is never counted, told or listed as one of them. Its
    rights on objects come from the organisation's group, which it belongs to."""
    active = organisation.is_active
    user._membership_rows_cache = (  # type: ignore[attr-defined]
        [(organisation.pk, organisation.kind, "member", organisation.group_id)] if active else []
    )
    personas = frozenset({PERSONA_OF_KIND[organisation.kind]} if active else set())
    setattr(user, _CACHE_ATTR, personas)


def user_organisation_ids(user: AnyUser, kind: OrganisationKind | None = None) -> list[int]:
    if not isinstance(user, User):
        return []
    return [org_id for org_id, k, _, _ in _membership_rows(user) if kind is None or k == kind]


def user_organisation_group_ids(user: AnyUser) -> list[int]:
    """The groups of the active organisations the user belongs to: those object
    permissions are granted to (``accounts.services.access_grant``)."""
    if not isinstance(user, User) or not user.is_active:
        return []
    return sorted({group_id for _, _, _, group_id in _membership_rows(user)})


def user_is_lead(user: AnyUser, organisation: Organisation) -> bool:
    if not isinstance(user, User):
        return False
    return any(
        org_id == organisation.pk and role == "lead"
        for org_id, _, role, _ in _membership_rows(user)
    )


def owner_field(model: type[models.Model]) -> str | None:
    """The column holding the owning user's id, for models that applicants own."""
    return getattr(model, "OWNER_FIELD", None)


def owner_id(obj: models.Model) -> int | None:
    field = owner_field(type(obj))
    return getattr(obj, field) if field else None


def filter_visible(
    user: AnyUser, queryset: models.QuerySet[M], action: str = "view"
) -> models.QuerySet[M]:
    """Restrict ``queryset`` to the objects the policy lets ``user`` perform ``action`` on.

    Model-wide holders get everything; otherwise ownership (for applicants), organisation
    grants and memberships are OR-ed in a single query. The grants are read as the objects'
    keys granted to the user's groups (``pk IN (…)``): with no other branch, PostgreSQL
    then starts from the few grants instead of testing every row of a growing table.
    """
    if not isinstance(user, User) or not user.is_active:
        return queryset.none()
    model = queryset.model
    opts = model._meta
    codename = f"{action}_{opts.model_name}"
    perm = f"{opts.app_label}.{codename}"
    if user.is_superuser or user.has_perm(perm):
        return queryset
    condition: Any = Q(pk__in=[])  # Q | Exists: combined into one WHERE clause
    personas = user_personas(user)
    field = owner_field(model)
    if field and Persona.APPLICANT in personas and allows(Persona.APPLICANT, perm, Scope.OWN):
        condition |= Q(**{field: user.pk})
    if any(allows(p, perm, Scope.LINKED) for p in personas):
        condition |= _granted(user, model, perm)
    if model is Organisation and any(allows(p, perm, Scope.MEMBER) for p in personas):
        condition |= Q(pk__in=user_organisation_ids(user))
    if any(allows(p, perm, Scope.ASSIGNED) for p in personas):
        condition |= _assigned(user, model, perm)
    return queryset.filter(condition)


_INTEGER_KEYS = {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField"}


def _granted(user: User, model: type[models.Model], perm: str) -> Any:
    """Objects of ``model`` on which ``perm`` is granted to one of the user's organisation
    groups (the only holders of object permissions: ``accounts.services.access_grant``)."""
    content_type = ContentType.objects.get_for_model(model)
    permission_id = permission_ids([perm]).get(perm)
    if permission_id is None:  # a permission no migration created: nothing is granted
        return Q(pk__in=[])
    rows = GroupObjectPermission.objects.filter(
        content_type=content_type,
        permission_id=permission_id,
        group_id__in=user_organisation_group_ids(user),
    )
    key = model._meta.pk
    target = getattr(key, "target_field", key)  # a multi-table child's key is its parent's
    if target.get_internal_type() in _INTEGER_KEYS:
        return Q(pk__in=rows.values_list(Cast("object_pk", models.BigIntegerField())))
    return Exists(rows.filter(object_pk=Cast(OuterRef("pk"), CharField())))


def _assigned(user: User, model: type[models.Model], perm: str) -> Any:
    """Objects of ``model`` on which ``perm`` is granted to ``user`` in person (the policy's
    ``ASSIGNED`` scope: ``accounts.services.access_assign``); integer keys only."""
    permission_id = permission_ids([perm]).get(perm)
    if permission_id is None:
        return Q(pk__in=[])
    rows = UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        permission_id=permission_id,
        user=user,
    )
    return Q(pk__in=rows.values_list(Cast("object_pk", models.BigIntegerField())))


def organisation_members(organisation: Organisation) -> models.QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by(
        "-role", *french_order("user__last_name")
    )


def organisations_of_kind(kind: OrganisationKind) -> models.QuerySet[Organisation]:
    return Organisation.objects.filter(kind=kind, is_active=True).order_by(*french_order("name"))


def organisation_search(queryset: models.QuerySet[M], query: str) -> models.QuerySet[M]:
    """Organisations whose name, e-mail or address hold every word of ``query``, accents
    and case ignored (the commune is in the address)."""
    return text_search(queryset, query, ["name", "email", "address"])

"""Business actions on organisations, memberships and object permissions.

Object permissions are only ever granted here, and only when the policy table
(``accounts.policy``) allows it: to organisation groups for the persona's ``LINKED`` rules
(rows grow with organisations, not with their members), and to one person for its
``ASSIGNED`` rules (a committee member and the dossier they score).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils.text import slugify
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import remove_perm

from .exceptions import ApplicationError, PolicyViolation
from .models import Membership, MembershipRole, Organisation, OrganisationKind, User
from .permissions import permission_for
from .policy import (
    PERSONA_OF_KIND,
    RESTRICTED_MEMBERSHIP_KINDS,
    assigned_actions,
    linked_actions,
    membership_perms,
    model_wide_perms,
)
from .selectors import user_personas
from .signals import (
    ADDED,
    REMOVED,
    ROLE_CHANGED,
    access_granted,
    access_revoked,
    membership_changed,
)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(
    *, name: str, kind: OrganisationKind | str, **fields: object
) -> Organisation:
    """Create an organisation, its backing group and the group's model-wide permissions."""
    slug = str(fields.pop("slug", "") or _unique_slug(name))
    group = Group.objects.create(name=f"org:{slug}")
    organisation = Organisation(name=name, kind=kind, slug=slug, group=group, **fields)
    organisation.full_clean()
    organisation.save()
    organisation_sync_permissions(organisation=organisation)
    return organisation


def organisation_sync_permissions(*, organisation: Organisation) -> None:
    """Make the group hold exactly the model-wide permissions its persona has in the policy."""
    wanted = model_wide_perms(PERSONA_OF_KIND[organisation.kind])
    condition = Q(pk__in=[])
    for perm in wanted:
        app_label, codename = perm.split(".")
        condition |= Q(content_type__app_label=app_label, codename=codename)
    organisation.group.permissions.set(Permission.objects.filter(condition))


@transaction.atomic
def organisation_set_active(*, organisation: Organisation, active: bool) -> Organisation:
    """Deactivating withdraws every right of the organisation at once: its members leave
    its group, and with it the group's model-wide and object permissions. Reactivating
    gives them back. Memberships themselves are kept as history."""
    organisation.is_active = active
    organisation.save(update_fields=["is_active"])
    members = list(User.objects.filter(memberships__organisation=organisation))
    if active:
        organisation.group.user_set.add(*members)
    else:
        organisation.group.user_set.clear()
    for user in members:
        _sync_staff_flag(user)
    return organisation


# The MEL functions that work in the admin: the programme team (programme configuration)
# and the habilitations service (memberships).
ADMIN_KINDS = (OrganisationKind.MEL_TEAM, OrganisationKind.ACCESS)


def _sync_staff_flag(user: User) -> None:
    # Admin access follows an active membership of those functions, never more.
    staff = (
        user.is_superuser
        or user.memberships.filter(
            organisation__kind__in=ADMIN_KINDS, organisation__is_active=True
        ).exists()
    )
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def membership_check(*, organisation: Organisation, user: User, action: str, by: User) -> None:
    """Refuse a change of ``user``'s membership of ``organisation`` that ``by`` may not make:
    their own (whoever they are, administrators included), or one the policy does not give
    them (``accounts.policy.membership_perms``: the financiers, the committees and the MEL's
    own functions are the habilitations service's). ``action``: add, change or delete."""
    if by.pk == user.pk:
        raise PolicyViolation(
            "Personne ne modifie sa propre appartenance à une organisation : demandez-le à "
            "un·e autre gestionnaire du service des habilitations de la MEL."
        )
    if all(by.has_perm(perm) for perm in membership_perms(organisation.kind, action)):
        return
    if organisation.kind in RESTRICTED_MEMBERSHIP_KINDS:
        raise PolicyViolation(
            f"Les membres de « {organisation.name} » ({organisation.get_kind_display()}) sont "
            "choisis par le service des habilitations de la MEL seulement : adressez-lui "
            "votre demande."
        )
    raise PolicyViolation(f"Vous ne pouvez pas changer les membres de « {organisation.name} ».")


@transaction.atomic
def membership_add(
    *,
    organisation: Organisation,
    user: User,
    role: MembershipRole | str = MembershipRole.MEMBER,
    by: User | None = None,
) -> Membership:
    """Add a user to an active organisation (idempotent; a new role changes it) and to its
    group. ``by``: who does it, checked by ``membership_check`` (``None`` only for the
    platform itself: the demo seed, commands, data set up by tests)."""
    if not organisation.is_active:
        raise ApplicationError(
            f"L'organisation « {organisation.name} » est désactivée : réactivez-la d'abord."
        )
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is not None and membership.role == role:
        user.groups.add(organisation.group)  # nothing changes: the group is only made sure of
        _sync_staff_flag(user)
        return membership
    if by is not None:
        action = "add" if membership is None else "change"
        membership_check(organisation=organisation, user=user, action=action, by=by)
    previous_role = ""
    if membership is None:
        membership, _created = Membership.objects.get_or_create(  # a double click: one row
            user=user, organisation=organisation, defaults={"role": role}
        )
    else:
        previous_role, membership.role = membership.role, role
        membership.save(update_fields=["role"])
    user.groups.add(organisation.group)
    _sync_staff_flag(user)  # MEL staff use the admin for programme configuration
    membership_changed.send(
        sender=Membership,
        organisation=organisation,
        user=user,
        change=ROLE_CHANGED if previous_role else ADDED,
        role=str(role),
        previous_role=previous_role,
        by=by,
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User | None = None) -> None:
    """End a membership: the user loses the organisation's group and its grants at once.
    ``by`` as for ``membership_add``."""
    user, organisation = membership.user, membership.organisation
    if by is not None:
        membership_check(organisation=organisation, user=user, action="delete", by=by)
    membership.delete()
    user.groups.remove(organisation.group)
    _sync_staff_flag(user)
    membership_changed.send(
        sender=Membership,
        organisation=organisation,
        user=user,
        change=REMOVED,
        role=membership.role,
        previous_role=membership.role,
        by=by,
    )


def _perm(obj: models.Model, action: str) -> str:
    opts = obj._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


# An object and the actions to grant on it (``None``: every action the policy links).
Grant = tuple[models.Model, tuple[str, ...] | None]


def access_grant(
    *, organisation: Organisation, obj: models.Model, actions: tuple[str, ...] | None = None
) -> None:
    """Give an organisation's group the policy's linked permissions on one object."""
    access_grant_all(organisation=organisation, grants=[(obj, actions)])


def access_grant_all(*, organisation: Organisation, grants: list[Grant]) -> None:
    """``access_grant`` on several objects at once, in two queries whatever the number of
    objects and actions (the rows already held, then one insert; guardian's ``assign_perm``
    costs about seven per action)."""
    wanted: list[tuple[models.Model, list[Permission]]] = []
    for obj, actions in grants:
        allowed = linked_actions(PERSONA_OF_KIND[organisation.kind], obj._meta.label_lower)
        chosen = allowed if actions is None else actions
        refused = [a for a in chosen if a not in allowed]
        if refused or not chosen:
            raise PolicyViolation(
                f"La politique d'accès n'autorise pas « {', '.join(refused) or 'rien'} » "
                f"sur {obj._meta.verbose_name} pour une organisation de type "
                f"« {organisation.get_kind_display()} »."
            )
        content_type = ContentType.objects.get_for_model(obj)  # cached by Django
        codenames = [f"{action}_{obj._meta.model_name}" for action in chosen]
        wanted.append((obj, [permission_for(content_type, c) for c in codenames]))
    _grant_to_group(organisation.group, wanted)
    # A holder who withdrew their consent to partner sharing keeps it withdrawn (privacy).
    access_granted.send(
        sender=Organisation, organisation=organisation, objects=[obj for obj, _ in grants]
    )


def _grant_to_group(group: Group, wanted: list[tuple[models.Model, list[Permission]]]) -> None:
    """Write the rows guardian's ``assign_perm`` would, skipping those already held.
    ``post_save`` is sent for each new row, as ``save()`` would, so the audit journal
    records every grant."""
    held_filter = Q()
    for obj, permissions in wanted:
        held_filter |= Q(object_pk=str(obj.pk), permission__in=permissions)
    held = set(
        GroupObjectPermission.objects.filter(held_filter, group=group).values_list(
            "permission_id", "object_pk"
        )
    )
    rows = [
        GroupObjectPermission(
            group=group,
            permission=permission,
            content_type_id=permission.content_type_id,
            object_pk=str(obj.pk),
        )
        for obj, permissions in wanted
        for permission in permissions
        if (permission.pk, str(obj.pk)) not in held
    ]
    GroupObjectPermission.objects.bulk_create(rows)
    objects = {
        (permission.content_type_id, str(obj.pk)): obj for obj, ps in wanted for permission in ps
    }
    for row in rows:
        row.content_object = objects[(row.content_type_id, row.object_pk)]  # read by the journal
        post_save.send(sender=GroupObjectPermission, instance=row, created=True, raw=False)


def access_revoke(
    *, organisation: Organisation, obj: models.Model, actions: tuple[str, ...] | None = None
) -> None:
    """Withdraw linked permissions (all of them by default) of the group on one object."""
    allowed = linked_actions(PERSONA_OF_KIND[organisation.kind], obj._meta.label_lower)
    chosen = allowed if actions is None else actions
    for action in chosen:
        remove_perm(_perm(obj, action), organisation.group, obj)
    # Rows set aside elsewhere (a withdrawn consent: privacy.sharing) must not come back.
    codenames = [f"{action}_{obj._meta.model_name}" for action in chosen]
    access_revoked.send(
        sender=Organisation, organisation=organisation, obj=obj, codenames=codenames
    )


def access_assign(*, user: User, obj: models.Model, actions: tuple[str, ...]) -> None:
    """Give one person the policy's ``ASSIGNED`` permissions on one object (idempotent)."""
    label = obj._meta.label_lower
    allowed = {a for persona in user_personas(user) for a in assigned_actions(persona, label)}
    refused = [a for a in actions if a not in allowed]
    if refused or not actions:
        raise PolicyViolation(
            f"La politique d'accès ne confie pas « {', '.join(refused) or 'rien'} » sur "
            f"{obj._meta.verbose_name} à {user}."
        )
    content_type = ContentType.objects.get_for_model(obj)
    for action in actions:
        permission = permission_for(content_type, f"{action}_{obj._meta.model_name}")
        # ``save()`` (not a bulk insert) so the audit journal records the grant.
        UserObjectPermission.objects.get_or_create(
            user=user,
            permission=permission,
            content_type=content_type,
            object_pk=str(obj.pk),
        )


def access_unassign(*, user: User, obj: models.Model, actions: tuple[str, ...]) -> None:
    """Withdraw one person's ``ASSIGNED`` permissions on one object."""
    for action in actions:
        remove_perm(_perm(obj, action), user, obj)

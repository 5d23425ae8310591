"""Who is told: the members of the MEL team, of its leads, of a partner organisation, and
of a partner only while it may read the dossier. Ids only, one query each; the messages
themselves are written by ``workflows.notify``."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from guardian.models import GroupObjectPermission

from accounts.models import MembershipRole, Organisation, OrganisationKind, User


def _members(condition: Q) -> QuerySet[User]:
    return User.objects.filter(
        condition,
        is_active=True,
        memberships__organisation__is_active=True,
    ).distinct()


def staff_ids() -> list[int]:
    return list(
        _members(Q(memberships__organisation__kind=OrganisationKind.MEL_TEAM)).values_list(
            "pk", flat=True
        )
    )


def lead_ids() -> list[int]:
    """The programme leads (lead role in the MEL team); all staff when none is named."""
    leads = _members(
        Q(memberships__organisation__kind=OrganisationKind.MEL_TEAM)
        & Q(memberships__role=MembershipRole.LEAD)
    ).values_list("pk", flat=True)
    return list(leads) or staff_ids()


def reader_ids(organisation: Organisation | None, obj: Model) -> list[int]:
    """The members of a partner told of a dossier's news only while their organisation
    may read it (its group holds the view row on ``obj``): a holder who withdrew consent to
    partner sharing (``privacy.sharing``) has those rows set aside, and an e-mail must not
    carry what the page no longer shows. One query, plus the members'."""
    if organisation is None:
        return []
    opts = obj._meta
    granted = GroupObjectPermission.objects.filter(
        group_id=organisation.group_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        permission__codename=f"view_{opts.model_name}",
    ).exists()
    return member_ids(organisation) if granted else []


def member_ids(organisation: Organisation | None) -> list[int]:
    if organisation is None:
        return []
    return list(_members(Q(memberships__organisation=organisation)).values_list("pk", flat=True))

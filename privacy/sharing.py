"""Partner sharing that follows the applicant's consent (``PARTNER_SHARING_LEGAL_BASIS``).

Support organisations and financiers see a dossier only through the guardian object
permissions granted to their organisation's group (the policy's ``LINKED`` scope,
``accounts.services.access_grant``): pages, lists, inboxes and the API all read those rows.
So a withdrawal takes effect by taking those rows away — set aside as ``SuspendedGrant`` —
and a renewed consent puts them back as they were. Nothing is checked on the read side: the
one policy table and every page's query count stay as they are.

While the consent is withdrawn, a grant the programme makes anyway (the MEL orients the
project, a financier is added) is set aside as soon as it is written (``grant_written``), and
a relationship that ends drops its set-aside rows (``access_ended``), so a renewed consent
gives back exactly the access the partners would have had.

MEL staff keep their access (model-wide, not granted per object): the MEL still instructs
the dossier. Committee members' access is personal to their scoring and stays.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from guardian.models import GroupObjectPermission

from accounts.models import OrganisationKind
from applicants.models import ConsentPurpose, ConsentRecord, Person, Project, Structure
from funding.models import FundingLine
from workflows.models import Application, Journey

from .models import SuspendedGrant

PARTNER_KINDS = (OrganisationKind.SUPPORT, OrganisationKind.FINANCIER)


def sharing_is_consent() -> bool:
    return settings.PARTNER_SHARING_LEGAL_BASIS == "consent"


def sharing_withdrawn(person: Person) -> bool:
    """Whether the person's latest word on partner sharing is a withdrawal (one query)."""
    latest = (
        ConsentRecord.objects.filter(person=person, purpose=ConsentPurpose.SHARE_WITH_PARTNERS)
        .values_list("granted", flat=True)
        .first()
    )
    return latest is False


def _holder_objects(person: Person) -> Q:
    """The rows of the person's dossier objects, as a condition on guardian's table."""
    owned: list[tuple[type[models.Model], models.QuerySet[Any]]] = [
        (Project, Project.objects.filter(holder=person)),
        (Structure, Structure.objects.filter(holder=person)),
        (Journey, Journey.objects.filter(holder=person)),
        (Application, Application.objects.filter(holder=person)),
        (FundingLine, FundingLine.objects.filter(dossier__holder=person)),
    ]
    condition = Q(pk__in=[])
    for model, queryset in owned:
        keys = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if keys:
            content_type = ContentType.objects.get_for_model(model)
            condition |= Q(content_type=content_type, object_pk__in=keys)
    return condition


def _partner_rows(person: Person) -> models.QuerySet[GroupObjectPermission]:
    return GroupObjectPermission.objects.filter(
        _holder_objects(person), group__organisation__kind__in=PARTNER_KINDS
    )


@transaction.atomic
def partner_access_suspend(*, person: Person) -> int:
    """Take away the partners' rows on the person's dossiers, keeping them aside; returns
    how many. The deletion is journalled like any revoke (``audit``)."""
    rows = list(_partner_rows(person))
    SuspendedGrant.objects.bulk_create(
        [
            SuspendedGrant(
                person=person,
                group_id=row.group_id,
                permission_id=row.permission_id,
                content_type_id=row.content_type_id,
                object_pk=row.object_pk,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )
    GroupObjectPermission.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


@transaction.atomic
def partner_access_restore(*, person: Person) -> int:
    """Give the partners back the rows set aside for the person; returns how many."""
    suspended = list(SuspendedGrant.objects.filter(person=person))
    rows = [
        GroupObjectPermission(
            group_id=s.group_id,
            permission_id=s.permission_id,
            content_type_id=s.content_type_id,
            object_pk=s.object_pk,
        )
        for s in suspended
    ]
    GroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)
    SuspendedGrant.objects.filter(pk__in=[s.pk for s in suspended]).delete()
    for row in rows:  # the journal records each grant, as accounts.services does
        row.content_object = row.content_type.get_object_for_this_type(pk=row.object_pk)
        post_save.send(sender=GroupObjectPermission, instance=row, created=True, raw=False)
    return len(rows)


def _owner_of(obj: models.Model | None) -> int | None:
    if isinstance(obj, FundingLine):
        return Application.objects.filter(pk=obj.dossier_id).values_list("holder_id", flat=True)[0]
    if isinstance(obj, Project | Structure | Journey | Application):
        return obj.holder_id
    return None


def grant_written(*, row: GroupObjectPermission) -> None:
    """A partner's row written while the holder's consent is withdrawn is set aside at once."""
    if not sharing_is_consent():
        return
    if row.group.organisation.kind not in PARTNER_KINDS:
        return
    holder_id = _owner_of(row.content_object)
    if holder_id is None:
        return
    person = Person.objects.get(pk=holder_id)
    if not sharing_withdrawn(person):
        return
    SuspendedGrant.objects.get_or_create(
        group_id=row.group_id,
        permission_id=row.permission_id,
        object_pk=row.object_pk,
        defaults={"person": person, "content_type_id": row.content_type_id},
    )
    GroupObjectPermission.objects.filter(pk=row.pk).delete()


def access_ended(*, group_id: int, obj: models.Model, codenames: list[str]) -> None:
    """A relationship ended: its rows set aside must not come back on a renewed consent."""
    SuspendedGrant.objects.filter(
        group_id=group_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        permission__codename__in=codenames,
    ).delete()

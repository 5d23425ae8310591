"""Partner sharing that follows the applicant's consent (``PARTNER_SHARING_LEGAL_BASIS``).

Support organisations and financiers see a dossier only through the guardian object
permissions granted to their organisation's group (the policy's ``LINKED`` scope,
``accounts.services.access_grant``): pages, lists, inboxes and the API all read those rows.
So a withdrawal takes effect by taking those rows away — set aside as ``SuspendedGrant`` —
and a renewed consent puts them back as they were. Nothing is checked on the read side: the
one policy table and every page's query count stay as they are.

While the consent is withdrawn, a grant the programme makes anyway (the MEL orients the
project, a financier is added) is set aside as soon as it is written (``grants_written``), and
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

from accounts.models import Organisation, OrganisationKind
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
    _set_aside(person.pk, rows)
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


def _holders_of(objects: list[models.Model]) -> dict[int, list[models.Model]]:
    """The objects of each holder (person id); a funding line's holder costs one query."""
    found: dict[int, list[models.Model]] = {}
    lines = [obj for obj in objects if isinstance(obj, FundingLine)]
    line_holders = dict(
        Application.objects.filter(pk__in=[line.dossier_id for line in lines]).values_list(
            "pk", "holder_id"
        )
        if lines
        else []
    )
    for obj in objects:
        if isinstance(obj, FundingLine):
            holder_id = line_holders.get(obj.dossier_id)
        elif isinstance(obj, Project | Structure | Journey | Application):
            holder_id = obj.holder_id
        else:
            continue
        if holder_id is not None:
            found.setdefault(holder_id, []).append(obj)
    return found


def _withdrawn_among(person_ids: list[int]) -> set[int]:
    """Those of ``person_ids`` whose latest word on partner sharing is a withdrawal."""
    latest: dict[int, bool] = {}
    records = ConsentRecord.objects.filter(
        person_id__in=person_ids, purpose=ConsentPurpose.SHARE_WITH_PARTNERS
    ).values_list("person_id", "granted")  # newest first (the model's ordering)
    for person_id, granted in records:
        latest.setdefault(person_id, granted)
    return {person_id for person_id, granted in latest.items() if not granted}


def grants_written(*, organisation: Organisation, objects: list[models.Model]) -> None:
    """A partner's rows written while the holder's consent is withdrawn are set aside at
    once: one query to know, whatever the number of objects (none for other organisations)."""
    if not sharing_is_consent() or organisation.kind not in PARTNER_KINDS:
        return
    by_holder = _holders_of(objects)
    withdrawn = _withdrawn_among(list(by_holder)) if by_holder else set()
    for person_id in withdrawn:
        condition = Q(pk__in=[])
        for obj in by_holder[person_id]:
            condition |= Q(
                content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
            )
        rows = GroupObjectPermission.objects.filter(condition, group_id=organisation.group_id)
        _set_aside(person_id, list(rows))


def _set_aside(person_id: int, rows: list[GroupObjectPermission]) -> None:
    SuspendedGrant.objects.bulk_create(
        [
            SuspendedGrant(
                person_id=person_id,
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


def access_ended(*, organisation: Organisation, obj: models.Model, codenames: list[str]) -> None:
    """A relationship ended: its rows set aside must not come back on a renewed consent."""
    if organisation.kind not in PARTNER_KINDS:
        return
    SuspendedGrant.objects.filter(
        group_id=organisation.group_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        permission__codename__in=codenames,
    ).delete()

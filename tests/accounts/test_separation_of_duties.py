"""Separation of duties on memberships: the members of financiers, committees and the MEL's
own functions are chosen by the habilitations service only, nobody changes their own, and
every change is audited and told to the organisation. Every path is tried — the services,
the Membership admin (add, change, delete) and the Organisation admin's inline (add page,
change page, deletion) — and the attempts that must fail are counted: 0 success."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.exceptions import PolicyViolation
from accounts.models import Membership, MembershipRole, Organisation, OrganisationKind, User
from accounts.services import membership_add, membership_remove
from audit.models import AuditAction, AuditRecord, person_token
from notifications.models import Notification
from tests.conftest import login
from tests.factories.accounts import UserFactory, make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def access_admin(db: None) -> User:
    service = make_organisation("Gestion des habilitations", OrganisationKind.ACCESS)
    user = UserFactory.create(email="habilitations@mel.example.org")
    membership_add(organisation=service, user=user, role=MembershipRole.LEAD)
    return user


@pytest.fixture
def colleague(mel_team: Organisation) -> User:
    user = UserFactory.create(email="collegue@mel.example.org")
    membership_add(organisation=mel_team, user=user)
    return user


def _members(organisation: Organisation) -> set[int]:
    return set(organisation.memberships.values_list("user_id", flat=True))


def _inline(prefix_rows: list[dict[str, str]], initial: int, **fields: str) -> dict[str, str]:
    data = {
        "memberships-TOTAL_FORMS": str(len(prefix_rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "is_active": "on",
        **fields,
    }
    for index, row in enumerate(prefix_rows):
        data.update({f"memberships-{index}-{key}": value for key, value in row.items()})
    return data


def _org_change(client: Client, organisation: Organisation, rows: list[dict[str, str]]) -> Any:
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])
    existing = list(organisation.memberships.select_related("user"))
    initial = [
        {
            "id": str(m.pk),
            "organisation": str(organisation.pk),
            "email": m.user.email,
            "role": m.role,
        }
        for m in existing
    ]
    return client.post(url, _inline(initial + rows, len(initial), name=organisation.name))


def test_mel_staff_cannot_put_anyone_in_a_financier_or_a_committee_by_any_path(
    client: Client,
    mel_staff: User,
    colleague: User,
    financier_f: Organisation,
    financier_member: User,
    committee: Organisation,
    committee_member: User,
) -> None:
    login(client, mel_staff)
    before = {org.pk: _members(org) for org in (financier_f, committee)}
    fin_membership = Membership.objects.get(organisation=financier_f, user=financier_member)
    attempts: list[tuple[str, Callable[[], Any]]] = []
    for organisation in (financier_f, committee):
        for person in (mel_staff, colleague):
            attempts += [
                (
                    f"service add {person.email} to {organisation}",
                    partial(membership_add, organisation=organisation, user=person, by=mel_staff),
                ),
                (
                    f"membership admin add {person.email} to {organisation}",
                    partial(
                        client.post,
                        reverse("admin:accounts_membership_add"),
                        {"organisation": organisation.pk, "email": person.email, "role": "member"},
                    ),
                ),
                (
                    f"organisation inline add {person.email} to {organisation}",
                    partial(
                        _org_change,
                        client,
                        organisation,
                        [{"email": person.email, "role": "member"}],
                    ),
                ),
            ]
    attempts += [
        (
            "service role change in a financier",
            lambda: membership_add(
                organisation=financier_f, user=financier_member, role="lead", by=mel_staff
            ),
        ),
        (
            "service removal from a financier",
            lambda: membership_remove(membership=fin_membership, by=mel_staff),
        ),
        (
            "membership admin change",
            lambda: client.post(
                reverse("admin:accounts_membership_change", args=[fin_membership.pk]),
                {"email": financier_member.email, "role": "lead"},
            ),
        ),
        (
            "membership admin delete",
            lambda: client.post(
                reverse("admin:accounts_membership_delete", args=[fin_membership.pk]),
                {"post": "yes"},
            ),
        ),
        (
            "organisation inline delete",
            lambda: client.post(
                reverse("admin:accounts_organisation_change", args=[financier_f.pk]),
                _inline(
                    [
                        {
                            "id": str(fin_membership.pk),
                            "organisation": str(financier_f.pk),
                            "email": financier_member.email,
                            "role": "member",
                            "DELETE": "on",
                        }
                    ],
                    1,
                    name=financier_f.name,
                ),
            ),
        ),
        (
            "organisation add page: a new financier with oneself in it",
            lambda: client.post(
                reverse("admin:accounts_organisation_add"),
                _inline(
                    [{"email": mel_staff.email, "role": "lead"}],
                    0,
                    name="Financeur de circonstance",
                    kind="financier",
                    slug="",
                ),
            ),
        ),
    ]
    successes = []
    for label, attempt in attempts:
        try:
            attempt()
        except PolicyViolation:
            continue
        now = {org.pk: _members(org) for org in (financier_f, committee)}
        membership = Membership.objects.filter(pk=fin_membership.pk).first()
        created = Membership.objects.filter(organisation__name="Financeur de circonstance")
        if now != before or membership is None or membership.role != "member" or created.exists():
            successes.append(label)
    print(f"separation of duties: {len(attempts)} attempts, {len(successes)} succeeded")  # noqa: T201
    assert successes == []
    assert not AuditRecord.objects.filter(action=AuditAction.MEMBERSHIP, actor=mel_staff).exists()


def test_the_financier_page_shows_its_members_read_only_to_mel_staff(
    client: Client, mel_staff: User, financier_f: Organisation, financier_member: User
) -> None:
    login(client, mel_staff)
    page = client.get(reverse("admin:accounts_organisation_change", args=[financier_f.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert financier_member.email in text
    assert 'name="memberships-0-email"' not in text  # shown, not editable


def test_mel_staff_still_manage_the_support_organisations_but_not_their_own_place(
    client: Client, mel_staff: User, colleague: User, incubator_x: Organisation
) -> None:
    membership_add(organisation=incubator_x, user=colleague, by=mel_staff)
    assert colleague.pk in _members(incubator_x)
    with pytest.raises(PolicyViolation, match="propre appartenance"):
        membership_add(organisation=incubator_x, user=mel_staff, by=mel_staff)
    login(client, mel_staff)
    _org_change(client, incubator_x, [{"email": mel_staff.email, "role": "member"}])
    assert mel_staff.pk not in _members(incubator_x)


def test_the_habilitations_service_adds_a_signatory_audited_and_told(
    client: Client,
    access_admin: User,
    financier_f: Organisation,
    financier_member: User,
) -> None:
    newcomer = UserFactory.create(email="nouvelle.signataire@financeur.example.org")
    login(client, access_admin)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"organisation": financier_f.pk, "email": newcomer.email, "role": "member"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert newcomer.groups.filter(pk=financier_f.group_id).exists()

    record = AuditRecord.objects.get(action=AuditAction.MEMBERSHIP, actor=access_admin)
    assert record.object_ref == f"accounts.user:{newcomer.pk}"
    assert newcomer.email not in record.summary
    assert str(financier_f) in record.summary

    told = Notification.objects.filter(event="membership_changed")
    assert set(told.values_list("recipient_id", flat=True)) == {newcomer.pk, financier_member.pk}
    body = told.first().body  # type: ignore[union-attr]
    assert f"a été ajouté·e au financeur « {financier_f} » par {access_admin}" in body


def test_the_habilitations_service_removes_a_member_who_is_told_without_the_page(
    access_admin: User, financier_f: Organisation, financier_member: User
) -> None:
    membership = Membership.objects.get(organisation=financier_f, user=financier_member)
    membership_remove(membership=membership, by=access_admin)
    assert not financier_member.groups.filter(pk=financier_f.group_id).exists()
    told = Notification.objects.get(event="membership_changed", recipient=financier_member)
    assert told.link == ""
    assert "a été retiré·e du financeur" in told.body
    assert AuditRecord.objects.filter(action=AuditAction.MEMBERSHIP, actor=access_admin).exists()


def test_nobody_changes_their_own_membership_not_even_the_habilitations_service_or_admin(
    client: Client, access_admin: User, admin_user: User, financier_f: Organisation
) -> None:
    for person in (access_admin, admin_user):
        with pytest.raises(PolicyViolation, match="propre appartenance"):
            membership_add(organisation=financier_f, user=person, by=person)
        client.force_login(person)
        client.post(
            reverse("admin:accounts_membership_add"),
            {"organisation": financier_f.pk, "email": person.email, "role": "member"},
        )
        assert person.pk not in _members(financier_f)
    own = Membership.objects.get(user=access_admin)
    client.force_login(access_admin)
    assert (
        client.post(
            reverse("admin:accounts_membership_delete", args=[own.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Membership.objects.filter(pk=own.pk).exists()


def test_the_habilitations_service_works_in_the_admin_and_reads_no_dossier(
    client: Client, access_admin: User
) -> None:
    access_admin.refresh_from_db()
    assert access_admin.is_staff
    login(client, access_admin)
    assert client.get(reverse("admin:accounts_membership_changelist")).status_code == 200
    assert client.get(reverse("admin:applicants_project_changelist")).status_code == 403


def test_the_membership_list_costs_the_same_queries_whatever_its_length(
    client: Client, access_admin: User, financier_f: Organisation, financier_member: User
) -> None:
    login(client, access_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("admin:accounts_membership_changelist"))
            assert response.status_code == 200
        return len(ctx.captured_queries)

    small = queries()
    for _ in range(12):
        membership_add(organisation=financier_f, user=UserFactory.create(), by=access_admin)
    assert queries() == small


@pytest.mark.parametrize("kind", [OrganisationKind.ACCESS, OrganisationKind.FINANCIER])
def test_mel_staff_cannot_deactivate_a_sensitive_organisation_and_strip_its_members(
    client: Client, mel_staff: User, access_admin: User, kind: OrganisationKind
) -> None:
    """Deactivating an organisation takes every member out of its group (and the
    habilitations service out of the admin): for the organisations whose members MEL staff
    may not change, the switch is theirs no more than the members are."""
    organisation = (
        Organisation.objects.get(memberships__user=access_admin)
        if kind == OrganisationKind.ACCESS
        else make_organisation("Fonds Sud", kind)
    )
    member = access_admin if kind == OrganisationKind.ACCESS else UserFactory.create()
    if kind != OrganisationKind.ACCESS:
        membership_add(organisation=organisation, user=member)
    login(client, mel_staff)
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])
    existing = list(organisation.memberships.all())
    data = _inline(
        [{"id": str(m.pk), "organisation": str(organisation.pk)} for m in existing],
        len(existing),
        name=organisation.name,
    )
    del data["is_active"]  # the box unticked

    client.post(url, data)

    organisation.refresh_from_db()
    member.refresh_from_db()
    assert organisation.is_active
    assert member.groups.filter(pk=organisation.group_id).exists()
    if kind == OrganisationKind.ACCESS:
        assert member.is_staff


def test_a_membership_record_names_the_person_only_by_their_erasable_identity(
    access_admin: User, financier_f: Organisation
) -> None:
    """Version 2 of the audit trail: the person a record is about is its subject identity,
    and a ⟦p:KEY⟧ token in the summary, so erasing them blanks the label everywhere."""
    newcomer = UserFactory.create(email="nouvelle.signataire@financeur.example.org")

    membership_add(organisation=financier_f, user=newcomer, by=access_admin)

    record = AuditRecord.objects.get(action=AuditAction.MEMBERSHIP, actor=access_admin)
    identity = record.subject_identity
    assert identity is not None
    assert identity.user_id == newcomer.pk
    assert person_token(identity.key) in record.summary
    assert f"accounts.user:{newcomer.pk}" not in record.summary

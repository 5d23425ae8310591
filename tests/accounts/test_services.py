from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from guardian.models import GroupObjectPermission

from accounts.exceptions import PolicyViolation
from accounts.models import Membership, Organisation, User
from accounts.services import (
    access_grant,
    membership_add,
    membership_remove,
    organisation_set_active,
)
from applicants.models import Project
from applicants.services import (
    project_assign_support_organisation,
    project_release_support_organisation,
)
from audit.models import AuditAction, AuditRecord
from tests.conftest import login
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_joining_the_mel_team_gives_admin_access_and_leaving_takes_it_back(
    mel_team: Organisation,
) -> None:
    user = UserFactory.create()
    membership = membership_add(organisation=mel_team, user=user)
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("applicants.view_project")
    membership_remove(membership=Membership.objects.get(pk=membership.pk))
    user = User.objects.get(pk=user.pk)  # fresh object: permission caches live on instances
    assert not user.is_staff
    assert not user.has_perm("applicants.view_project")


def test_adding_a_member_twice_keeps_one_membership(incubator_x: Organisation) -> None:
    user = UserFactory.create()
    membership_add(organisation=incubator_x, user=user)
    membership_add(organisation=incubator_x, user=user, role="lead")
    assert Membership.objects.filter(user=user).count() == 1
    assert Membership.objects.get(user=user).role == "lead"


def test_an_incubator_taking_a_project_may_view_and_change_it_and_its_structure(
    project_a: Project, incubator_x: Organisation, incubator_x_member: User
) -> None:
    project_assign_support_organisation(project=project_a, organisation=incubator_x)
    assert incubator_x_member.has_perm("applicants.view_project", project_a)
    assert incubator_x_member.has_perm("applicants.change_project", project_a)
    assert incubator_x_member.has_perm("applicants.view_structure", project_a.structure)
    assert not incubator_x_member.has_perm("applicants.change_structure", project_a.structure)


def test_releasing_a_project_revokes_the_incubator_access(
    project_a_supported_by_x: Project, incubator_x_member: User
) -> None:
    project_release_support_organisation(project=project_a_supported_by_x)
    member = User.objects.get(pk=incubator_x_member.pk)
    assert not member.has_perm("applicants.view_project", project_a_supported_by_x)
    assert not member.has_perm("applicants.view_structure", project_a_supported_by_x.structure)


def test_reorienting_a_project_moves_access_from_the_old_to_the_new_incubator(
    project_a_supported_by_x: Project,
    incubator_y: Organisation,
    incubator_x_member: User,
    incubator_y_member: User,
) -> None:
    project_assign_support_organisation(project=project_a_supported_by_x, organisation=incubator_y)
    assert not User.objects.get(pk=incubator_x_member.pk).has_perm(
        "applicants.view_project", project_a_supported_by_x
    )
    assert incubator_y_member.has_perm("applicants.change_project", project_a_supported_by_x)


def test_grants_go_to_the_group_so_rows_do_not_grow_with_members(
    project_a: Project, incubator_x: Organisation
) -> None:
    for _ in range(50):
        membership_add(organisation=incubator_x, user=UserFactory.create())
    project_assign_support_organisation(project=project_a, organisation=incubator_x)
    rows = GroupObjectPermission.objects.filter(group=incubator_x.group).count()
    assert rows == 3  # view + change on the project, view on its structure


def test_a_service_cannot_grant_what_the_policy_does_not_allow(
    project_a: Project, committee: Organisation, financier_f: Organisation
) -> None:
    with pytest.raises(PolicyViolation):
        access_grant(organisation=committee, obj=project_a)
    with pytest.raises(PolicyViolation):
        access_grant(organisation=financier_f, obj=project_a, actions=("view",))


def test_only_a_support_organisation_can_follow_a_project(
    project_a: Project, committee: Organisation
) -> None:
    from accounts.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="accompagnement"):
        project_assign_support_organisation(project=project_a, organisation=committee)


def test_applicants_own_their_objects_without_any_stored_permission(
    applicant_a: User, project_a: Project, project_b: Project
) -> None:
    assert applicant_a.has_perm("applicants.change_project", project_a)
    assert applicant_a.has_perm("applicants.view_structure", project_a.structure)
    assert not applicant_a.has_perm("applicants.view_project", project_b)
    assert GroupObjectPermission.objects.count() == 0


def test_a_model_wide_permission_covers_each_object(mel_staff: User, project_b: Project) -> None:
    assert mel_staff.has_perm("applicants.change_structure", project_b.structure)
    assert mel_staff.has_perm("applicants.view_project", project_b)
    assert not mel_staff.has_perm("applicants.delete_project", project_b)


def test_deactivating_an_organisation_withdraws_all_its_rights_at_once(
    client: Client, mel_team: Organisation, mel_staff: User, project_b: Project
) -> None:
    organisation_set_active(organisation=mel_team, active=False)
    former = User.objects.get(pk=mel_staff.pk)
    assert not former.is_staff
    assert not former.has_perm("applicants.view_project", project_b)
    login(client, former)
    assert client.get(reverse("applicants:project_detail", args=[project_b.pk])).status_code == 404


def test_a_deactivated_incubator_loses_its_portfolio_and_regains_it_when_reactivated(
    incubator_x: Organisation, incubator_x_member: User, project_a_supported_by_x: Project
) -> None:
    organisation_set_active(organisation=incubator_x, active=False)
    assert not User.objects.get(pk=incubator_x_member.pk).has_perm(
        "applicants.change_project", project_a_supported_by_x
    )
    organisation_set_active(organisation=incubator_x, active=True)
    assert User.objects.get(pk=incubator_x_member.pk).has_perm(
        "applicants.change_project", project_a_supported_by_x
    )


def test_nobody_can_join_a_deactivated_organisation(incubator_x: Organisation) -> None:
    from accounts.exceptions import ApplicationError

    organisation_set_active(organisation=incubator_x, active=False)
    with pytest.raises(ApplicationError, match="désactivée"):
        membership_add(organisation=incubator_x, user=UserFactory.create())


def test_the_supporting_incubator_follows_the_project_to_its_new_structure(
    applicant_a: User, project_a_supported_by_x: Project, incubator_x_member: User
) -> None:
    from applicants.services import project_update
    from tests.factories.applicants import StructureFactory

    old = project_a_supported_by_x.structure
    new = StructureFactory.create(holder=applicant_a.person, name="Nouvelle structure")
    project_update(project=project_a_supported_by_x, actor=applicant_a, structure=new)
    member = User.objects.get(pk=incubator_x_member.pk)
    assert member.has_perm("applicants.view_structure", new)
    assert not member.has_perm("applicants.view_structure", old)


def test_granting_on_several_objects_costs_two_queries_and_skips_what_is_held(
    project_a: Project,
    project_b: Project,
    incubator_x: Organisation,
    django_assert_num_queries: Any,
) -> None:
    from accounts.services import access_grant_all

    structure, other = project_a.structure, project_b.structure
    assert structure is not None
    assert other is not None
    organisation = Organisation.objects.select_related("group").get(pk=incubator_x.pk)
    access_grant(organisation=organisation, obj=project_a, actions=("view",))  # held already
    access_grant(organisation=organisation, obj=other, actions=("view",))  # caches warmed
    before = AuditRecord.objects.filter(action=AuditAction.GRANT).count()
    # The rows held and the insert; the project's journey, named by its journal record; the
    # journal: on PostgreSQL one guarded insert per record (this test's transaction already
    # knows the head from the grants above), on SQLite a head read and an insert each; and
    # one read of the holders' consent to partner sharing (privacy.sharing).
    journal = 2 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(2 + 1 + journal + 1):
        access_grant_all(
            organisation=organisation,
            grants=[(project_a, None), (structure, ("view",))],
        )
    held = GroupObjectPermission.objects.filter(group=incubator_x.group)
    assert sorted(held.values_list("object_pk", "permission__codename")) == sorted(
        [
            (str(project_a.pk), "change_project"),
            (str(project_a.pk), "view_project"),
            (str(structure.pk), "view_structure"),
            (str(other.pk), "view_structure"),
        ]
    )
    granted = AuditRecord.objects.filter(action=AuditAction.GRANT).order_by("seq")[before:]
    assert [(r.after or {}).get("droit") for r in granted] == ["change_project", "view_structure"]


def test_a_permission_recreated_by_migrate_is_read_again(
    project_a: Project, incubator_x: Organisation
) -> None:
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    from accounts import permissions

    access_grant(organisation=incubator_x, obj=project_a, actions=("view",))
    assert permissions._BY_CONTENT_TYPE  # remembered for the next grants
    assert permissions.permission_ids(["funding.sign_fundingline"])
    call_command("migrate", verbosity=0, interactive=False)
    assert permissions._BY_CONTENT_TYPE == {}
    assert permissions._BY_NAME == {}
    change = Permission.objects.get(codename="change_project")
    access_grant(organisation=incubator_x, obj=project_a, actions=("change",))
    assert change in permissions._BY_CONTENT_TYPE.values()

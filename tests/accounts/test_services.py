from __future__ import annotations

import pytest
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

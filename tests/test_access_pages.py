"""Each persona sees only what the policy allows: forbidden cases answer 403 or 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Project, Structure
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _get(client: Client, user: User | None, name: str, *args: object) -> int:
    if user is not None:
        login(client, user)
    return client.get(reverse(name, args=args)).status_code


@pytest.mark.parametrize(
    "persona",
    [
        "applicant_a",
        "incubator_x_member",
        "committee_member",
        "financier_member",
        "mel_staff",
        "steering_reader",
        "admin_user",
    ],
)
def test_every_persona_gets_a_home_page(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Bonjour" in response.content.decode()


def test_visitors_see_the_public_presentation_and_are_sent_to_login_elsewhere(
    client: Client, project_a: Project
) -> None:
    assert "Entreprendre autrement" in client.get(reverse("home")).content.decode()
    response = client.get(reverse("applicants:project_detail", args=[project_a.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_applicant_cannot_open_another_applicants_structure_or_project(
    client: Client, applicant_a: User, structure_b: Structure, project_b: Project
) -> None:
    login(client, applicant_a)
    for name, pk in [
        ("applicants:structure_detail", structure_b.pk),
        ("applicants:structure_update", structure_b.pk),
        ("applicants:project_detail", project_b.pk),
        ("applicants:project_update", project_b.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert (
        client.post(
            reverse("applicants:structure_update", args=[structure_b.pk]), {"name": "x"}
        ).status_code
        == 404
    )


def test_an_applicant_opens_and_edits_their_own_structure(
    client: Client, applicant_a: User, structure_a: Structure
) -> None:
    login(client, applicant_a)
    assert (
        client.get(reverse("applicants:structure_detail", args=[structure_a.pk])).status_code == 200
    )
    assert (
        client.get(reverse("applicants:structure_update", args=[structure_a.pk])).status_code == 200
    )


def test_an_incubator_sees_its_portfolio_and_not_another_incubators_project(
    client: Client, incubator_x_member: User, project_a_supported_by_x: Project, project_b: Project
) -> None:
    login(client, incubator_x_member)
    assert (
        client.get(
            reverse("applicants:project_detail", args=[project_a_supported_by_x.pk])
        ).status_code
        == 200
    )
    assert (
        client.get(
            reverse("applicants:project_update", args=[project_a_supported_by_x.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("applicants:project_detail", args=[project_b.pk])).status_code == 404
    page = client.get(reverse("applicants:project_list")).content.decode()
    assert project_a_supported_by_x.title in page
    assert project_b.title not in page


def test_another_incubator_cannot_see_a_project_it_does_not_support(
    client: Client, incubator_y_member: User, project_a_supported_by_x: Project
) -> None:
    login(client, incubator_y_member)
    assert (
        client.get(
            reverse("applicants:project_detail", args=[project_a_supported_by_x.pk])
        ).status_code
        == 404
    )
    assert (
        project_a_supported_by_x.title
        not in client.get(reverse("applicants:project_list")).content.decode()
    )


def test_an_incubator_may_view_but_not_edit_the_structure_of_a_project_it_supports(
    client: Client, incubator_x_member: User, project_a_supported_by_x: Project
) -> None:
    login(client, incubator_x_member)
    structure_pk = project_a_supported_by_x.structure_id
    assert (
        client.get(reverse("applicants:structure_detail", args=[structure_pk])).status_code == 200
    )
    assert (
        client.get(reverse("applicants:structure_update", args=[structure_pk])).status_code == 403
    )


@pytest.mark.parametrize("persona", ["committee_member", "financier_member", "steering_reader"])
def test_committee_financiers_and_steering_see_no_project(
    client: Client, request: pytest.FixtureRequest, persona: str, project_a_supported_by_x: Project
) -> None:
    login(client, request.getfixturevalue(persona))
    assert (
        client.get(
            reverse("applicants:project_detail", args=[project_a_supported_by_x.pk])
        ).status_code
        == 404
    )
    assert (
        project_a_supported_by_x.title
        not in client.get(reverse("applicants:project_list")).content.decode()
    )


def test_mel_staff_see_every_project_and_structure(
    client: Client, mel_staff: User, project_a: Project, project_b: Project
) -> None:
    login(client, mel_staff)
    page = client.get(reverse("applicants:project_list")).content.decode()
    assert project_a.title in page
    assert project_b.title in page
    assert (
        client.get(
            reverse("applicants:structure_update", args=[project_b.structure_id])
        ).status_code
        == 200
    )


def test_only_staff_reach_the_admin(
    client: Client, applicant_a: User, incubator_x_member: User, mel_staff: User
) -> None:
    for user, expected in [(applicant_a, 302), (incubator_x_member, 302), (mel_staff, 200)]:
        client.logout()
        login(client, user)
        assert client.get(reverse("admin:index")).status_code == expected


def test_members_see_their_organisation_but_not_others(
    client: Client,
    incubator_x_member: User,
    incubator_x: Organisation,
    incubator_y: Organisation,
) -> None:
    login(client, incubator_x_member)
    assert (
        client.get(reverse("accounts:organisation_detail", args=[incubator_x.slug])).status_code
        == 200
    )
    assert (
        client.get(reverse("accounts:organisation_detail", args=[incubator_y.slug])).status_code
        == 404
    )


def test_someone_without_an_applicant_profile_cannot_open_the_applicant_space(
    client: Client, incubator_x_member: User
) -> None:
    assert _get(client, incubator_x_member, "applicants:space") == 403

"""Persona fixtures, built as a chain with the real services (Sentry/oscar style)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory

from accounts.models import MembershipRole, Organisation, OrganisationKind, User
from accounts.services import membership_add
from applicants.models import Project, Structure
from tests.factories.accounts import PASSWORD, UserFactory, make_organisation
from tests.factories.applicants import PersonFactory, ProjectFactory, StructureFactory

pytest_plugins = ["tests.support.geocoder"]


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client: Client, user: User) -> Client:
    """Signs in with the real password check (the lockout backend needs the request)."""
    assert client.login(request=RequestFactory().post("/"), username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def mel_team(db: None) -> Organisation:
    return make_organisation("Équipe ESS de la MEL", OrganisationKind.MEL_TEAM)


@pytest.fixture
def mel_staff(mel_team: Organisation) -> User:
    user = UserFactory.create(email="chargee@mel.example.org")
    membership_add(organisation=mel_team, user=user, role=MembershipRole.LEAD)
    return user


@pytest.fixture
def incubator_x(db: None) -> Organisation:
    return make_organisation("Incubateur X", OrganisationKind.SUPPORT)


@pytest.fixture
def incubator_y(db: None) -> Organisation:
    return make_organisation("Incubateur Y", OrganisationKind.SUPPORT)


@pytest.fixture
def incubator_x_member(incubator_x: Organisation) -> User:
    user = UserFactory.create(email="conseil@incubateur-x.example.org")
    membership_add(organisation=incubator_x, user=user)
    return user


@pytest.fixture
def incubator_y_member(incubator_y: Organisation) -> User:
    user = UserFactory.create(email="conseil@incubateur-y.example.org")
    membership_add(organisation=incubator_y, user=user)
    return user


@pytest.fixture
def committee(db: None) -> Organisation:
    return make_organisation(
        "Comité de sélection Entreprendre Autrement", OrganisationKind.COMMITTEE
    )


@pytest.fixture
def committee_member(committee: Organisation) -> User:
    user = UserFactory.create(email="membre@comite.example.org")
    membership_add(organisation=committee, user=user)
    return user


@pytest.fixture
def financier_f(db: None) -> Organisation:
    return make_organisation("Financeur solidaire F", OrganisationKind.FINANCIER)


@pytest.fixture
def financier_member(financier_f: Organisation) -> User:
    user = UserFactory.create(email="analyste@financeur-f.example.org")
    membership_add(organisation=financier_f, user=user)
    return user


@pytest.fixture
def steering_reader(db: None) -> User:
    comite = make_organisation("Comité métropolitain", OrganisationKind.STEERING)
    user = UserFactory.create(email="pilotage@comite.example.org")
    membership_add(organisation=comite, user=user)
    return user


@pytest.fixture
def lab_member(db: None) -> User:
    lab = make_organisation("Laboratoire d'évaluation", OrganisationKind.LAB)
    user = UserFactory.create(email="lab@evaluation.example.org")
    membership_add(organisation=lab, user=user)
    return user


@pytest.fixture
def admin_user(db: None) -> User:
    return User.objects.create_superuser("admin@example.org", PASSWORD)


@pytest.fixture
def applicant_a(db: None) -> User:
    return PersonFactory.create(user__email="alice@example.org").user


@pytest.fixture
def applicant_b(db: None) -> User:
    return PersonFactory.create(user__email="bruno@example.org").user


@pytest.fixture
def structure_a(applicant_a: User) -> Structure:
    return StructureFactory.create(holder=applicant_a.person, name="Épicerie d'Alice")


@pytest.fixture
def structure_b(applicant_b: User) -> Structure:
    return StructureFactory.create(holder=applicant_b.person, name="Atelier de Bruno")


@pytest.fixture
def project_a(applicant_a: User, structure_a: Structure) -> Project:
    return ProjectFactory.create(
        holder=applicant_a.person, structure=structure_a, title="Épicerie solidaire"
    )


@pytest.fixture
def project_b(applicant_b: User, structure_b: Structure) -> Project:
    return ProjectFactory.create(
        holder=applicant_b.person, structure=structure_b, title="Atelier vélo"
    )


@pytest.fixture
def project_a_supported_by_x(project_a: Project, incubator_x: Organisation) -> Project:
    from applicants.services import project_assign_support_organisation

    return project_assign_support_organisation(project=project_a, organisation=incubator_x)

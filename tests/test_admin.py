"""The admin: every page opens for those the policy allows, and adds go through services."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.policy import Persona, model_wide_perms
from applicants.models import Project, QpvArea, QpvDetermination, QpvOutcome, QpvSource, Structure
from funding.models import CallRuleVersion, Programme
from reviewers.models import CommitteeSession
from reviewers.services.sessions import committee_session_create
from tests.conftest import login
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ProjectFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "applicants", "funding", "reviewers"}
# Created only by the application's own pages (consents, access grants, evidence).
NO_ADD_IN_ADMIN = {
    "applicants.person",
    "applicants.structure",
    "applicants.project",
    "applicants.qpvdetermination",
}
REGISTERED = sorted(
    model._meta.label_lower for model in admin.site._registry if model._meta.app_label in OUR_APPS
)


def _url(label: str, view: str) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}")


@pytest.fixture
def configured(project_a: Project, committee: Organisation, committee_member: User) -> None:
    """Something on every page: the rules, a project with a QPV finding, a QPV, a session."""
    call_command("load_programme_rules", stdout=StringIO())
    QpvArea.objects.create(code="QN05912M", name="Quartier d'essai", generation=2024)
    QpvDetermination.objects.create(
        project=project_a, outcome=QpvOutcome.TO_VERIFY, source=QpvSource.DECLARED
    )
    committee_session_create(
        committee=committee,
        programme=Programme.objects.get(slug="entreprendre-autrement"),
        starts_at=timezone.now() + datetime.timedelta(days=30),
        place="Maison Stéphane Hessel, Lille",
    )


def _mel_staff_may(label: str, action: str) -> bool:
    app_label, model_name = label.split(".")
    return f"{app_label}.{action}_{model_name}" in model_wide_perms(Persona.MEL_STAFF)


def test_every_model_of_the_project_is_registered() -> None:
    assert {
        "accounts.user",
        "accounts.organisation",
        "applicants.commune",
        "applicants.qpvarea",
        "applicants.legalform",
        "applicants.person",
        "applicants.structure",
        "applicants.project",
        "applicants.qpvdetermination",
        "funding.planaxis",
        "funding.programme",
        "funding.callruleversion",
        "reviewers.committeesession",
    } <= set(REGISTERED)


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize("label", REGISTERED)
def test_the_administrator_opens_every_list_and_add_page(
    client: Client, admin_user: User, label: str
) -> None:
    login(client, admin_user)
    assert client.get(_url(label, "changelist")).status_code == 200
    expected_add = 403 if label in NO_ADD_IN_ADMIN else 200
    assert client.get(_url(label, "add")).status_code == expected_add


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize("label", REGISTERED)
def test_mel_staff_open_the_pages_the_policy_gives_them(
    client: Client, mel_staff: User, label: str
) -> None:
    login(client, mel_staff)
    may_view = _mel_staff_may(label, "view") or _mel_staff_may(label, "change")
    may_add = _mel_staff_may(label, "add") and label not in NO_ADD_IN_ADMIN
    assert client.get(_url(label, "changelist")).status_code == (200 if may_view else 403)
    assert client.get(_url(label, "add")).status_code == (200 if may_add else 403)


@pytest.mark.parametrize("label", REGISTERED)
def test_partners_who_are_not_staff_are_sent_to_the_admin_login(
    client: Client, incubator_x_member: User, label: str
) -> None:
    login(client, incubator_x_member)
    for view in ("changelist", "add"):
        response = client.get(_url(label, view))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize("label", REGISTERED)
def test_the_administrator_opens_the_change_page_of_an_existing_object(
    client: Client, admin_user: User, label: str
) -> None:
    model = apps.get_model(label)
    obj = model._default_manager.first()
    assert obj is not None, f"no {label} to open"
    login(client, admin_user)
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    assert client.get(url).status_code == 200


def test_a_user_is_created_in_the_admin_with_an_e_mail_address_and_no_username(
    client: Client, admin_user: User
) -> None:
    login(client, admin_user)
    response = client.post(
        _url("accounts.user", "add"),
        {"email": "Nouvelle.Personne@Example.org", "usable_password": "false"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.personne@example.org")
    assert not user.has_usable_password()
    again = client.post(
        _url("accounts.user", "add"),
        {"email": "NOUVELLE.personne@example.org", "usable_password": "false"},
    )
    assert "Un compte existe déjà avec cette adresse e-mail." in again.content.decode()


@pytest.mark.usefixtures("configured")
def test_a_rule_version_page_shows_its_documents_and_scoring_grid(
    client: Client, mel_staff: User
) -> None:
    login(client, mel_staff)
    version = CallRuleVersion.objects.get(label="Règlement 2024")
    page = client.get(reverse("admin:funding_callruleversion_change", args=[version.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Contrat d&#x27;engagement républicain signé" in html
    assert "Transition écologique" in html


@pytest.mark.usefixtures("configured")
def test_the_rule_versions_list_shows_caps_the_french_way(client: Client, mel_staff: User) -> None:
    login(client, mel_staff)
    html = client.get(_url("funding.callruleversion", "changelist")).content.decode()
    assert "30\u202f000,00\u00a0€" in html
    assert "20\u202f000,00\u00a0€" in html


@pytest.mark.usefixtures("configured")
def test_the_qpv_list_says_whether_a_perimeter_is_loaded_without_showing_it(
    client: Client, mel_staff: User
) -> None:
    login(client, mel_staff)
    html = client.get(_url("applicants.qpvarea", "changelist")).content.decode()
    assert "non chargé" in html


def test_the_project_list_costs_the_same_queries_whatever_its_length(
    client: Client, mel_staff: User, project_a: Project
) -> None:
    login(client, mel_staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url("applicants.project", "changelist")).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    ProjectFactory.create_batch(5, structure=project_a.structure, holder=project_a.holder)
    assert queries() == one


def _organisation_post(**fields: str) -> dict[str, str]:
    data = {
        "name": "Incubateur Z",
        "kind": "support",
        "slug": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-email": "",
        "memberships-0-role": "member",
        "is_active": "on",
    }
    data.update(fields)
    return data


def test_adding_an_organisation_in_the_admin_creates_its_group_with_its_grants(
    client: Client, mel_staff: User
) -> None:
    login(client, mel_staff)
    response = client.post(_url("accounts.organisation", "add"), _organisation_post())
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Incubateur Z")
    assert organisation.slug == "incubateur-z"
    assert organisation.group == Group.objects.get(name="org:incubateur-z")
    assert organisation.group.permissions.exists() is False  # support: linked grants only


def test_members_added_in_the_admin_join_the_organisation_group(
    client: Client, mel_staff: User
) -> None:
    member = UserFactory.create(email="conseil@incubateur-z.example.org")
    login(client, mel_staff)
    response = client.post(
        _url("accounts.organisation", "add"),
        _organisation_post(**{"memberships-0-email": "Conseil@Incubateur-Z.example.org"}),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Incubateur Z")
    assert Membership.objects.filter(organisation=organisation, user=member).exists()
    assert member.groups.filter(pk=organisation.group_id).exists()


def test_a_member_removed_in_the_admin_loses_the_group(
    client: Client, mel_staff: User, incubator_x: Organisation, incubator_x_member: User
) -> None:
    membership = Membership.objects.get(user=incubator_x_member, organisation=incubator_x)
    login(client, mel_staff)
    data = {
        "name": incubator_x.name,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-organisation": str(incubator_x.pk),
        "memberships-0-email": incubator_x_member.email,
        "memberships-0-role": "member",
        "memberships-0-DELETE": "on",
    }
    url = reverse("admin:accounts_organisation_change", args=[incubator_x.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not incubator_x_member.groups.filter(pk=incubator_x.group_id).exists()


def test_an_unknown_member_address_is_refused_on_the_field(client: Client, mel_staff: User) -> None:
    login(client, mel_staff)
    response = client.post(
        _url("accounts.organisation", "add"),
        _organisation_post(**{"memberships-0-email": "personne@nulle-part.example.org"}),
    )
    assert response.status_code == 200
    assert "Aucun compte n&#x27;existe avec cette adresse" in response.content.decode()
    assert not Organisation.objects.filter(name="Incubateur Z").exists()


def test_a_session_scheduled_in_the_admin_is_visible_to_the_committee(
    client: Client, mel_staff: User, committee: Organisation, committee_member: User
) -> None:
    call_command("load_programme_rules", stdout=StringIO())
    programme = Programme.objects.get(slug="entreprendre-autrement")
    day = timezone.localdate() + datetime.timedelta(days=30)
    login(client, mel_staff)
    response = client.post(
        _url("reviewers.committeesession", "add"),
        {
            "committee": str(committee.pk),
            "programme": str(programme.pk),
            "starts_at_0": day.strftime("%d/%m/%Y"),
            "starts_at_1": "14:00",
            "place": "Maison Stéphane Hessel, Lille",
            "agenda_cutoff": (day - datetime.timedelta(days=21)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    session = CommitteeSession.objects.get()
    member = User.objects.get(pk=committee_member.pk)
    assert member.has_perm("reviewers.view_committeesession", session)


def _management(prefix: str, total: int, initial: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_scoring_grid_not_adding_up_to_100_is_refused(client: Client, mel_staff: User) -> None:
    call_command("load_programme_rules", stdout=StringIO())
    version = CallRuleVersion.objects.get(label="Règlement 2024")
    data: dict[str, object] = {
        "programme": str(version.programme_id),
        "label": version.label,
        "valid_from": "2024-01-01",
        "grant_cap": "30000.00",
        "cap_percent_of_budget": "30.00",
        "convention_threshold": "23000.00",
        "startup_age_limit_years": "5",
        "esus_required_after_years": "3",
        "eligible_legal_forms": [str(f.pk) for f in version.eligible_legal_forms.all()],
        "notes": version.notes,
        **_management("required_documents", 0, 0),  # existing documents left as they are
    }
    criteria = list(version.scoring_criteria.all())
    data.update(_management("scoring_criteria", len(criteria), len(criteria)))
    for i, criterion in enumerate(criteria):
        row = {
            "id": criterion.pk,
            "rule_version": criterion.rule_version_id,
            "position": criterion.position,
            "code": criterion.code,
            "label": criterion.label,
            "weight_percent": criterion.weight_percent,
            "max_score": criterion.max_score,
        }
        data.update({f"scoring_criteria-{i}-{name}": str(value) for name, value in row.items()})
    data["scoring_criteria-0-weight_percent"] = "30"  # 105 % in all
    login(client, mel_staff)
    url = reverse("admin:funding_callruleversion_change", args=[version.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "totalisent 105" in response.content.decode()
    assert version.scoring_criteria.get(position=1).weight_percent == 25


def test_the_admin_refuses_a_structure_head_office_outside_the_mel(structure_a: Structure) -> None:
    from applicants.admin import StructureAdminForm
    from tests.factories.applicants import commune

    outside = commune("62041", "Arras", mel=False)
    data = {
        "name": structure_a.name,
        "legal_form": structure_a.legal_form_id,
        "siret": structure_a.siret,
        "esus_status": "none",
        "commune": outside.pk,
    }
    form = StructureAdminForm(data=data, instance=structure_a)
    assert not form.is_valid()
    assert "Métropole" in str(form.errors["commune"])


def test_the_admin_cannot_change_who_owns_a_project_or_where_it_is() -> None:
    from django.contrib import admin as django_admin

    from applicants.models import Project

    readonly = set(django_admin.site._registry[Project].readonly_fields)
    assert {"holder", "structure", "support_organisation", "commune", "address"} <= readonly

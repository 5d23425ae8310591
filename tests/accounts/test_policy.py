"""The policy table is the single source of truth; these tests keep the code honest to it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from accounts.models import OrganisationKind
from accounts.policy import (
    PERSONA_OF_KIND,
    POLICY,
    RESTRICTED_MEMBERSHIP_KINDS,
    Persona,
    Scope,
    membership_perms,
    model_wide_perms,
    personas_with,
)
from tests.factories.accounts import make_organisation

pytestmark = pytest.mark.django_db


def test_every_permission_named_by_the_policy_exists() -> None:
    missing = []
    for rule in POLICY:
        for perm in rule.perms():
            app_label, codename = perm.split(".")
            if not Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists():
                missing.append(perm)
    assert missing == []


def test_only_mel_staff_hold_model_wide_view_permissions_on_dossiers() -> None:
    holders = {
        rule.persona for rule in POLICY if rule.scope == Scope.ALL and "view" in rule.actions
    }
    assert holders == {Persona.MEL_STAFF, Persona.ACCESS_ADMIN, Persona.DPO}
    # The DPO reads the retention runs and exports a person's own data on request (each
    # export audited); nothing of the dossiers.
    assert [r.model for r in POLICY if r.persona == Persona.DPO] == [
        "privacy.retentionrun",
        "accounts.user",
    ]
    # The habilitations service reads who belongs where, nothing of the dossiers.
    assert {rule.model for rule in POLICY if rule.persona == Persona.ACCESS_ADMIN} == {
        "accounts.organisation",
        "accounts.membership",
    }


def test_only_the_habilitations_service_changes_financiers_and_committees_members() -> None:
    holders = set(personas_with("accounts.manage_restricted_membership"))
    assert holders == {Persona.ACCESS_ADMIN}
    for kind in RESTRICTED_MEMBERSHIP_KINDS:
        assert "accounts.manage_restricted_membership" in membership_perms(kind, "add")
    for kind in (OrganisationKind.SUPPORT, OrganisationKind.STEERING, OrganisationKind.LAB):
        assert membership_perms(kind, "add") == ("accounts.add_membership",)
    assert set(RESTRICTED_MEMBERSHIP_KINDS) == {
        OrganisationKind.FINANCIER,
        OrganisationKind.COMMITTEE,
        OrganisationKind.MEL_TEAM,
        OrganisationKind.DPO,
        OrganisationKind.ACCESS,
    }


def test_each_organisation_group_holds_exactly_its_model_wide_permissions() -> None:
    for kind in OrganisationKind:
        organisation = make_organisation(f"Organisation {kind.label}", kind)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in organisation.group.permissions.select_related("content_type")
        }
        assert held == set(model_wide_perms(PERSONA_OF_KIND[kind]))


def test_support_committee_and_financier_groups_hold_no_model_wide_permission() -> None:
    for kind in (OrganisationKind.SUPPORT, OrganisationKind.COMMITTEE, OrganisationKind.FINANCIER):
        organisation = make_organisation(f"Sans droits globaux {kind}", kind)
        assert organisation.group.permissions.count() == 0


def test_steering_reader_holds_aggregates_only() -> None:
    assert model_wide_perms(Persona.STEERING_READER) == ["applicants.aggregate_project"]


def test_the_lab_holds_aggregates_and_the_extract_the_steering_reader_does_not() -> None:
    assert model_wide_perms(Persona.LAB_MEMBER) == [
        "applicants.aggregate_project",
        "applicants.extract_project",
    ]
    assert "applicants.extract_project" in model_wide_perms(Persona.MEL_STAFF)
    assert PERSONA_OF_KIND[OrganisationKind.LAB] == Persona.LAB_MEMBER

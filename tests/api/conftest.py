"""A funded dossier "a" (holder A, incubator X, financier F's line granted, advance paid)
and a dossier "b" on the agenda (holder B, incubator Y), with an API key for every
organisation, built through the real services and pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from accounts.models import Organisation, OrganisationKind, User
from api.services.clients import api_client_create, api_client_revoke
from applicants.models import Commune
from funding.models import FundingLine, Tranche
from reviewers.models import Deliberation
from tests.factories.accounts import make_organisation
from tests.factories.applicants import commune
from tests.support.webhook_receiver import webhook_receiver  # noqa: F401 (a fixture)
from tests.workflows.stage_helpers import (
    add_member,
    eligible_application,
    schedule_session,
    set_grant_financier,
)
from tests.workflows.test_award_pages import _advanced
from workflows.models import Application


@dataclass
class ApiWorld:
    a: Application
    b: Application
    keys: dict[str, str]  # persona → key
    users: dict[str, User]  # session personas
    line_a: FundingLine
    decision_a: Deliberation
    tranches_a: list[Tranche]
    extra: dict[str, Any] = field(default_factory=dict)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def town(db: None) -> Commune:
    place = commune("59512", "Roubaix")
    place.postal_codes = "59100"
    place.save()
    return place


@pytest.fixture
def api_world(
    client: Client,
    town: Commune,
    mel_staff: User,
    mel_team: Organisation,
    incubator_x: Organisation,
    incubator_x_member: User,
    incubator_y: Organisation,
    incubator_y_member: User,
    committee: Organisation,
    committee_member: User,
    financier_f: Organisation,
    financier_member: User,
    steering_reader: User,
    lab_member: User,
) -> ApiWorld:
    schedule_session(committee)
    set_grant_financier(financier_f)
    financier_g = make_organisation("Financeur G", OrganisationKind.FINANCIER)
    add_member(financier_g, "g@financeur.example.org")
    a = eligible_application(client, town, mel_staff, incubator_x, incubator_x_member)
    b = eligible_application(
        client, town, mel_staff, incubator_y, incubator_y_member,
        email="bruno@example.org", title="Atelier vélo de Bruno",
    )  # fmt: skip
    _advanced(client, a, mel_staff, financier_member)
    client.logout()
    comite = steering_reader.memberships.get().organisation
    lab = lab_member.memberships.get().organisation
    organisations = {
        "support_x": incubator_x,
        "support_y": incubator_y,
        "committee": committee,
        "financier_f": financier_f,
        "financier_g": financier_g,
        "mel": mel_team,
        "reader": comite,
        "lab": lab,
        "revoked": incubator_x,
    }
    keys = {
        name: api_client_create(organisation=org, name=f"Système {name}", actor=mel_staff).key
        for name, org in organisations.items()
    }
    revoked = api_client_create(organisation=incubator_x, name="Ancien", actor=mel_staff)
    api_client_revoke(client=revoked.client, actor=mel_staff)
    keys["revoked"] = revoked.key
    return ApiWorld(
        a=a,
        b=b,
        keys=keys,
        users={"holder_a": a.holder.user, "holder_b": b.holder.user},
        line_a=FundingLine.objects.get(dossier=a),
        decision_a=Deliberation.objects.get(application=a),
        tranches_a=list(Tranche.objects.filter(application=a)),
    )

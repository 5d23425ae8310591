"""Two applicants followed by the same incubator, their dossiers built through the real
engine: A's funded (financier F's line open), B's on the committee's agenda."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import Organisation, OrganisationKind, User
from applicants.models import Commune
from tests.factories.accounts import make_organisation
from tests.factories.applicants import commune
from tests.privacy.dossiers import fund_and_close, refuse
from tests.workflows.conftest import on_agenda, roubaix
from tests.workflows.stage_helpers import (
    add_member,
    deliberate,
    eligible_application,
    hold_session,
    instruct,
    schedule_session,
    set_grant_financier,
)
from workflows.models import Application

__all__ = ["on_agenda", "roubaix"]


@pytest.fixture
def funded(on_agenda: Application, mel_staff: User, financier_member: User) -> Application:
    """A dossier funded, paid, followed up and closed through the real engine."""
    fund_and_close(on_agenda, mel_staff, financier_member)
    return on_agenda


@pytest.fixture
def refused(on_agenda: Application, mel_staff: User, committee_member: Any) -> Application:
    """A dossier the committee turned down, through the real engine."""
    refuse(on_agenda, mel_staff)
    return on_agenda


TITLE_A, TITLE_B = "Cantine solidaire", "Atelier vélo de Bruno"
EMAIL_B = "bruno@example.org"


@dataclass
class Dossiers:
    a: Application
    b: Application

    @property
    def holder_a(self) -> User:
        return self.a.holder.user

    @property
    def holder_b(self) -> User:
        return self.b.holder.user


@pytest.fixture
def town(db: None) -> Commune:
    place = commune("59512", "Roubaix")
    place.postal_codes = "59100"
    place.save()
    return place


@pytest.fixture
def dossiers(
    client: Client,
    town: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
    financier_f: Organisation,
    financier_member: User,
) -> Dossiers:
    schedule_session(committee)
    set_grant_financier(financier_f)
    a = eligible_application(client, town, mel_staff, incubator_x, incubator_x_member)
    b = eligible_application(
        client, town, mel_staff, incubator_x, incubator_x_member, email=EMAIL_B, title=TITLE_B
    )
    instruct(a, mel_staff)
    hold_session(a)
    deliberate(a, mel_staff, "favourable", amount=Decimal(9000), reasons="Projet utile.")
    client.logout()
    a.refresh_from_db()
    b.refresh_from_db()
    return Dossiers(a, b)


@pytest.fixture
def dpo_member(db: None) -> User:
    return add_member(
        make_organisation("Délégué à la protection des données", OrganisationKind.DPO),
        "dpo@mel.example.org",
    )

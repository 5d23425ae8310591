from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from tests.privacy.dossiers import fund_and_close, refuse
from tests.workflows.conftest import on_agenda, roubaix
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

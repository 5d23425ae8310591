from __future__ import annotations

import pytest

from accounts.models import Organisation, User
from tests.opendata.grants import Grants


@pytest.fixture
def grants(mel_team: Organisation, mel_staff: User, committee: Organisation) -> Grants:
    return Grants(mel=mel_team, staff=mel_staff, committee=committee)

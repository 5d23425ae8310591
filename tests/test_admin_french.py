"""The admin speaks French: no app or model shown under its English name or code."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from tests.conftest import login

pytestmark = pytest.mark.django_db

# Names shown before (app names in capitals or codes, English model names).
ENGLISH_OR_CODES = {"AXES", "Axes", "Otp_Totp", "Viewflow", "Workflow", "Process", "Task"}
ENGLISH_WORDS = re.compile(r"(devices?|Processes|Tasks|Access attempts|Workflow)", re.I)


def test_the_admin_index_names_every_app_and_model_in_french(
    client: Client, admin_user: User
) -> None:
    body = login(client, admin_user).get("/admin/").content.decode()
    names = re.findall(r'<a href="/admin/[a-z_]+/(?:[a-z_]+/)?"[^>]*>([^<]+)</a>', body)
    assert "Sécurité des connexions" in names
    assert "Double authentification" in names
    assert "Applications d&#x27;authentification (codes à 6 chiffres)" in names
    for name in names:
        assert name.strip() not in ENGLISH_OR_CODES, name
        assert not ENGLISH_WORDS.search(name), name
    assert "Entreprendre Autrement — administration" in body

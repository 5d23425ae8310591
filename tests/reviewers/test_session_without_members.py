"""A session whose committee has no active member cannot have its dossiers scored: staff
see it on the session list, with where to add members."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from tests.workflows.stage_helpers import add_member, schedule_session

pytestmark = pytest.mark.django_db

EMPTY = "Aucun membre dans ce comité"


def test_staff_see_a_committee_without_members_until_one_is_added(
    client: Client, committee: Organisation, mel_staff: User
) -> None:
    schedule_session(committee)
    client.force_login(mel_staff)
    url = reverse("reviewers:session_list")
    assert EMPTY in html.unescape(client.get(url).content.decode())

    add_member(committee, "membre@comite.example.org")
    assert EMPTY not in html.unescape(client.get(url).content.decode())

"""Responses to signed-in people are never cached; public pages and open data keep theirs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _directives(value: str) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()}


@pytest.mark.parametrize("name", ["home", "notifications:list", "applicants:space"])
def test_a_signed_in_page_is_private_and_never_stored(
    client: Client, applicant_a: User, name: str
) -> None:
    login(client, applicant_a)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response["Cache-Control"])


def test_staff_pages_are_never_stored(client: Client, mel_staff: User) -> None:
    login(client, mel_staff)
    response = client.get(reverse("workflows:application_list"))
    assert "no-store" in _directives(response["Cache-Control"])


def test_an_anonymous_public_page_is_not_marked_private(client: Client) -> None:
    response = client.get(reverse("accessibility"))
    assert "private" not in _directives(response.get("Cache-Control", ""))


def test_open_data_files_stay_public_for_a_signed_in_reader(
    client: Client, mel_staff: User
) -> None:
    """The same file for everyone: its view declares it public, the middleware leaves it."""
    login(client, mel_staff)
    response = client.get(reverse("opendata:csv", args=[2025]))
    directives = _directives(response["Cache-Control"])
    assert "public" in directives
    assert "no-store" not in directives

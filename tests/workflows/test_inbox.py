"""The inbox: oldest steps first, counted up to a cap, each branch of its query (own steps,
model-wide permission, grant to an organisation) showing exactly what the user may take."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.workflows.conftest import act, open_task, submit_first_contact
from workflows import inbox as selectors

pytestmark = pytest.mark.django_db


def _contacts(client: Client, commune: Commune, count: int, first: int = 0) -> list[int]:
    journeys = [
        submit_first_contact(client, commune, email=f"porteur{n}@example.org")
        for n in range(first, first + count)
    ]
    return [open_task(journey, "triage").pk for journey in journeys]


def test_beyond_the_cap_the_inbox_says_so_and_shows_the_oldest_steps(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps = _contacts(client, roubaix, 4)
    monkeypatch.setattr(selectors, "INBOX_COUNT_CAP", 2)
    client.force_login(mel_staff)
    response = client.get(reverse("workflows:inbox"))
    page = response.context["page"]
    assert page.paginator.count == 3  # counted up to the cap, plus one
    assert page.paginator.capped
    assert [task.pk for task in page] == steps[:3]
    assert "Plus de 2 étapes en attente : les plus anciennes d'abord." in (
        response.content.decode()
    )


def test_a_step_granted_to_an_organisation_reaches_its_members_only_until_answered(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    incubator_y_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix, email="porteur@example.org")
    answer = act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk},
    )
    assert answer.status_code == 302
    orientation = open_task(journey, "orientation")
    assert selectors.open_task_ids(user=incubator_x_member, limit=10) == [orientation.pk]
    assert selectors.open_task_ids(user=incubator_y_member, limit=10) == []
    assert orientation.pk not in selectors.open_task_ids(user=mel_staff, limit=10)
    assert act(client, incubator_x_member, orientation, {"answer": "accept"}).status_code == 302
    assert orientation.pk not in selectors.open_task_ids(user=incubator_x_member, limit=10)


def test_the_inbox_ids_and_the_queryset_agree(
    client: Client, roubaix: Commune, mel_staff: User
) -> None:
    _contacts(client, roubaix, 3)
    from_ids = selectors.open_task_ids(user=mel_staff, limit=100)
    assert from_ids == [t.pk for t in selectors.open_tasks_for(user=mel_staff)]
    assert len(from_ids) == 3


def test_the_home_page_counts_open_steps_up_to_the_same_cap(
    client: Client, roubaix: Commune, mel_staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workflows import dashboards

    _contacts(client, roubaix, 2)
    client.force_login(mel_staff)
    assert (
        "<strong>2</strong> étapes vous attendent." in client.get(reverse("home")).content.decode()
    )
    _contacts(client, roubaix, 2, first=2)
    monkeypatch.setattr(dashboards, "INBOX_COUNT_CAP", 3)
    client.force_login(mel_staff)
    page = client.get(reverse("home")).content.decode()
    assert "Plus de <strong>3</strong> étapes vous attendent." in page

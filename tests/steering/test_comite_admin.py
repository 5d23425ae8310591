"""MEL staff plan the Comité's meetings in the admin; the readers they choose see them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind, User
from steering.models import ComiteMeeting
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _inline(prefix: str, rows: list[dict[str, str]]) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_mel_staff_plan_a_meeting_with_members_and_agenda_and_its_readers_see_it(
    client: Client, mel_staff: User, steering_reader: User
) -> None:
    lab = Organisation.objects.get(kind=OrganisationKind.STEERING)
    login(client, mel_staff)
    add = reverse("admin:steering_comitemeeting_add")
    assert client.get(add).status_code == 200
    data = {
        "starts_at_0": "10/12/2026",
        "starts_at_1": "14:30",
        "place": "Hôtel de la Métropole, Lille",
        "status": "planned",
        "readers": [str(lab.pk)],
        **_inline("members", [{"position": "0", "name": "Anne Voituriez", "role": "Élue"}]),
        **_inline("agenda", [{"position": "0", "title": "Rapport semestriel", "presenter": "MEL"}]),
    }
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    meeting = ComiteMeeting.objects.get()
    assert meeting.members.get().name == "Anne Voituriez"
    assert steering_reader.has_perm("steering.view_comitemeeting", meeting)

    data["readers"] = []
    change = reverse("admin:steering_comitemeeting_change", args=[meeting.pk])
    data.update(_inline("members", []))
    data.update(_inline("agenda", []))
    assert client.post(change, data).status_code == 302
    fresh = User.objects.get(pk=steering_reader.pk)
    assert not fresh.has_perm("steering.view_comitemeeting", meeting)


def test_a_member_is_an_account_or_a_name_not_both_nor_neither(
    client: Client, mel_staff: User
) -> None:
    login(client, mel_staff)
    response = client.post(
        reverse("admin:steering_comitemeeting_add"),
        {
            "starts_at_0": "10/12/2026",
            "starts_at_1": "14:30",
            "place": "Lille",
            "status": "planned",
            **_inline("members", [{"position": "0", "name": "", "role": "Élue"}]),
            **_inline("agenda", []),
        },
    )
    assert response.status_code == 200
    assert "Choisissez le compte du membre" in response.content.decode()
    assert not ComiteMeeting.objects.exists()

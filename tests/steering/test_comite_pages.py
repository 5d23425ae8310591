"""The Comité's pages: who reads them, what they say, and their constant cost."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrganisationKind, User
from accounts.services import membership_add
from steering.comite import services
from steering.comite.services import semester_report_generate
from steering.indicators.types import Period
from tests.conftest import login
from tests.factories.accounts import UserFactory, make_organisation
from tests.steering.comite_helpers import indicators, meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _figures(monkeypatch: pytest.MonkeyPatch) -> None:
    def plan_indicators(period: Period, **_: Any) -> Any:
        return indicators(period)

    monkeypatch.setattr(services, "plan_indicators", plan_indicators)


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_shows_upcoming_meetings_first_then_past_ones(
    client: Client, mel_staff: User
) -> None:
    meeting(mel_staff, days=-200, place="Salle passée ancienne")
    meeting(mel_staff, days=-10, place="Salle passée récente")
    meeting(mel_staff, days=60, place="Salle future lointaine")
    meeting(mel_staff, days=5, place="Salle future proche")
    login(client, mel_staff)
    page = client.get(reverse("steering:comite_list")).content.decode()
    order = [
        page.index(place)
        for place in (
            "Salle future proche",
            "Salle future lointaine",
            "Salle passée récente",
            "Salle passée ancienne",
        )
    ]
    assert order == sorted(order)


def test_the_meeting_page_says_when_where_who_the_agenda_and_who_acts_next(
    client: Client, mel_staff: User, steering_reader: User
) -> None:
    planned = meeting(mel_staff, days=7)
    url = reverse("steering:comite_meeting", args=[planned.pk])
    login(client, steering_reader)
    page = client.get(url).content.decode()
    assert "Hôtel de la Métropole, Lille" in page
    assert "Anne Voituriez — Vice-présidente" in page
    assert "Questions diverses" in page
    assert "15&nbsp;min" in page
    assert "Le rapport doit être généré par la MEL avant la séance." in page
    assert "Générer le rapport" not in page  # readers read, MEL staff act
    login(client, mel_staff)
    page = client.get(url).content.decode()
    assert "Générer le rapport" in page
    client.post(reverse("steering:comite_report_generate", args=[planned.pk]))
    page = client.get(url).content.decode()
    assert "Document de travail" in page
    assert "Lire le rapport" in page
    assert "Vous pourrez enregistrer l'approbation du Comité après la séance." in page


def test_mel_staff_generate_then_record_the_approval_through_the_pages(
    client: Client, mel_staff: User
) -> None:
    held = meeting(mel_staff, days=-1)
    login(client, mel_staff)
    client.post(reverse("steering:comite_report_generate", args=[held.pk]))
    response = client.post(reverse("steering:comite_report_approve", args=[held.pk]), follow=True)
    page = response.content.decode()
    assert "le rapport est figé" in page
    again = client.post(reverse("steering:comite_report_generate", args=[held.pk]), follow=True)
    assert "ne peut plus être régénéré" in again.content.decode()


def test_the_report_page_has_its_title_block_summary_and_sections(
    client: Client, mel_staff: User
) -> None:
    planned = meeting(mel_staff)
    semester_report_generate(meeting=planned, actor=mel_staff)
    login(client, mel_staff)
    page = client.get(reverse("steering:comite_report", args=[planned.pk])).content.decode()
    assert "Comité métropolitain de l'ESS — Rapport du" in page
    assert "Document de travail" in page
    assert "L'essentiel" in page
    assert "412 000 €" in page
    assert "Montants accordés par financeur" in page
    assert '<th scope="col">' in page


def test_a_report_not_yet_generated_is_a_404_with_a_french_message(
    client: Client, mel_staff: User
) -> None:
    planned = meeting(mel_staff)
    login(client, mel_staff)
    assert client.get(reverse("steering:comite_report", args=[planned.pk])).status_code == 404


@pytest.mark.parametrize(
    "persona",
    ["incubator_x_member", "committee_member", "financier_member", "applicant_a"],
)
def test_other_personas_are_refused_the_list_and_do_not_see_a_meeting(
    client: Client, mel_staff: User, persona: str, request: pytest.FixtureRequest
) -> None:
    planned = meeting(mel_staff, days=-1)
    semester_report_generate(meeting=planned, actor=mel_staff)
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse("steering:comite_list")).status_code == 403
    for name in ("comite_meeting", "comite_report", "comite_report_pdf"):
        assert client.get(reverse(f"steering:{name}", args=[planned.pk])).status_code == 404
    for name in ("comite_report_generate", "comite_report_approve"):
        assert client.post(reverse(f"steering:{name}", args=[planned.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, mel_staff: User) -> None:
    planned = meeting(mel_staff)
    for url in (
        reverse("steering:comite_list"),
        reverse("steering:comite_meeting", args=[planned.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/compte/connexion/" in response["Location"]


def test_steering_readers_read_the_report_and_its_pdf_but_cannot_act(
    client: Client, mel_staff: User, steering_reader: User
) -> None:
    planned = meeting(mel_staff, days=-1)
    semester_report_generate(meeting=planned, actor=mel_staff)
    login(client, steering_reader)
    assert client.get(reverse("steering:comite_list")).status_code == 200
    assert client.get(reverse("steering:comite_report", args=[planned.pk])).status_code == 200
    pdf = client.get(reverse("steering:comite_report_pdf", args=[planned.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    for name in ("comite_report_generate", "comite_report_approve"):
        assert client.post(reverse(f"steering:{name}", args=[planned.pk])).status_code == 403


def test_a_steering_organisation_not_chosen_for_a_meeting_does_not_see_it(
    client: Client, mel_staff: User, steering_reader: User
) -> None:
    planned = meeting(mel_staff)
    other = make_organisation("Autre laboratoire", OrganisationKind.STEERING)
    outsider = UserFactory.create(email="autre@labo.example.org")
    membership_add(organisation=other, user=outsider)
    login(client, outsider)
    assert client.get(reverse("steering:comite_meeting", args=[planned.pk])).status_code == 404
    assert (
        "Hôtel de la Métropole" not in client.get(reverse("steering:comite_list")).content.decode()
    )


@pytest.mark.parametrize("persona", ["mel_staff", "steering_reader"])
def test_the_meetings_list_costs_the_same_for_2_and_20_meetings(
    client: Client, mel_staff: User, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    for days in (-30, 30):
        semester_report_generate(meeting=meeting(mel_staff, days=days), actor=mel_staff)
    login(client, user)
    url = reverse("steering:comite_list")
    client.get(url)
    small = _count(client, url)
    for index in range(18):
        meeting(mel_staff, days=index * 20 - 200)
    large = _count(client, url)
    print(f"comite_list {persona}: {small} queries at 2 meetings, {large} at 20")  # noqa: T201
    assert large == small
    assert client.get(url).content.decode().count("/comite/seances/") >= 20


def test_the_meeting_and_report_pages_cost_the_same_with_more_members_and_items(
    client: Client, mel_staff: User
) -> None:
    from steering.models import AgendaItem, ComiteMember

    planned = meeting(mel_staff, days=-1)
    semester_report_generate(meeting=planned, actor=mel_staff)
    login(client, mel_staff)
    urls = [
        reverse("steering:comite_meeting", args=[planned.pk]),
        reverse("steering:comite_report", args=[planned.pk]),
    ]
    for url in urls:
        client.get(url)
    small = [_count(client, url) for url in urls]
    for index in range(15):
        ComiteMember.objects.create(meeting=planned, name=f"Membre {index}", role="Partenaire")
        AgendaItem.objects.create(meeting=planned, title=f"Point {index}", position=index + 2)
    large = [_count(client, url) for url in urls]
    print(f"meeting, report pages: {small} queries, {large} with 15 more members and items")  # noqa: T201
    assert large == small

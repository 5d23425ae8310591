"""Oversize, hostile or absurd input never gives a 5xx: a French message, and what was typed
is kept (the public first-contact form, the project form, the staff "report de séance")."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applicants.models import Commune, Project
from tests.conftest import login
from tests.workflows.conftest import first_contact_data, submit_first_contact
from workflows.models import Application, Journey, PendingFirstContact

pytestmark = pytest.mark.django_db

LONG_EMAIL = "a" * 300 + "@example.org"  # 312 characters: more than the column's 254
NOVEL = "Un très long texte." * 5263  # 99 997 characters
EMOJI = "Cantine 🍲 solidaire 👩🏽‍🍳"


def _post(client: Client, url: str, data: Mapping[str, object]) -> str:
    response = client.post(url, data)
    assert response.status_code < 500
    return response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"email": LONG_EMAIL}, "au plus 254 caractères"),
        ({"summary": NOVEL}, "99 997 caractères, pour 5 000 au plus"),
        ({"needs": NOVEL}, "99 997 caractères, pour 5 000 au plus"),
        ({"title": "x" * 201}, "au plus 200 caractères"),
        ({"first_name": "Nadia\x00"}, "Le caractère nul n\u2019est pas autorisé"),
        ({"commune": "1 OR 1=1"}, "Sélectionnez un choix valide"),
        ({"sector": "☃"}, "Sélectionnez un choix valide"),
        ({"phone": "0" * 31}, "au plus 30 caractères"),
    ],
)
def test_the_public_form_refuses_hostile_values_in_french_and_keeps_the_rest(
    client: Client, roubaix: Commune, overrides: dict[str, str], expected: str
) -> None:
    body = _post(
        client, reverse("workflows:first_contact"), first_contact_data(roubaix, **overrides)
    )
    assert expected in body.replace("\u202f", " ").replace("&#x27;", "'")
    assert "Benali" in body  # what was typed is shown again
    assert not Journey.objects.exists()
    assert not PendingFirstContact.objects.exists()  # nothing kept, no link sent


def test_the_public_form_accepts_emoji_and_accents(client: Client, roubaix: Commune) -> None:
    journey = submit_first_contact(client, roubaix, title=EMOJI, last_name="Benali-Éléonore")
    assert journey.project.title == EMOJI
    assert journey.holder.user.last_name == "Benali-Éléonore"


@pytest.mark.parametrize(
    ("jobs", "expected"),
    [
        ("-3", "ne peut pas être négatif"),
        ("beaucoup", "Indiquez un nombre"),
        ("123456", "au plus 9 999 emplois"),
    ],
)
def test_the_project_form_refuses_absurd_planned_jobs_in_french(
    client: Client, applicant_a: User, roubaix: Commune, jobs: str, expected: str
) -> None:
    data = {
        "title": "Atelier vélo",
        "summary": "Réparer des vélos.",
        "sector": "other",
        "stage": "emergence",
        "social_utility": "",
        "jobs_planned_fte": jobs,
        "postal_code": "59100",
        "commune": roubaix.pk,
    }
    before = Project.objects.count()
    body = _post(login(client, applicant_a), reverse("applicants:project_create"), data)
    assert expected in body.replace("&#x27;", "'")
    assert "Atelier vélo" in body
    assert Project.objects.count() == before


def test_the_project_form_reads_planned_jobs_the_french_way(
    client: Client, applicant_a: User, roubaix: Commune
) -> None:
    data = {
        "title": "Atelier vélo",
        "summary": "Réparer des vélos.",
        "sector": "other",
        "stage": "emergence",
        "jobs_planned_fte": "1,5",
        "postal_code": "59100",
        "commune": roubaix.pk,
    }
    response = login(client, applicant_a).post(reverse("applicants:project_create"), data)
    assert response.status_code == 302
    assert str(Project.objects.get(title="Atelier vélo").jobs_planned_fte) == "1.50"


def test_the_database_refuses_negative_planned_jobs_too(project_a: Project) -> None:
    from django.db import IntegrityError, transaction

    project_a.jobs_planned_fte = -1
    with pytest.raises(IntegrityError), transaction.atomic():
        project_a.save()


@pytest.mark.parametrize("session", ["abc", "1 OR 1=1", "-1", "99999999999999999999999", "", "🍲"])
def test_moving_a_dossier_to_a_session_that_does_not_exist_is_a_french_message(
    client: Client, on_agenda: Application, mel_staff: User, session: str
) -> None:
    before = on_agenda.committee_session_id
    url = reverse("workflows:application_move_session", args=[on_agenda.pk])
    response = login(client, mel_staff).post(url, {"session": session})
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts
    assert "séance" in texts[-1]
    on_agenda.refresh_from_db()
    assert on_agenda.committee_session_id == before


def test_a_staff_text_too_long_is_refused_with_its_length(
    client: Client, on_agenda: Application, mel_staff: User
) -> None:
    from reviewers.forms import ConflictForm

    form = ConflictForm({"reason": "x" * 301})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Au plus 300 caractères."]
    from funding.forms import ReportForm

    report = ReportForm({"comment": NOVEL})
    report.is_valid()
    assert "Ce texte est trop long : 99\u202f997 caractères, pour 5\u202f000 au plus." in " ".join(
        str(error) for error in report.errors["comment"]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/mon-dossier/99999999999999999999999/",
        "/candidatures/99999999999999999999999/",
        "/candidatures/99999999999999999999999/coordonnees-bancaires/",
        "/taches/99999999999999999999999/",
        "/parcours/99999999999999999999999/",
    ],
)
def test_an_id_longer_than_any_key_is_a_missing_page_not_a_crash(
    client: Client, mel_staff: User, path: str
) -> None:
    client.force_login(mel_staff)
    assert client.get(path).status_code == 404

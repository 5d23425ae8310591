"""Search, filters and sorting on the staff lists other than the applications list; each
list still shows only what its reader may see, whatever is typed in the search box."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import (
    Commune,
    Project,
    ProjectStage,
    QpvDetermination,
    QpvOutcome,
    QpvSource,
)
from tests.factories.applicants import PersonFactory, ProjectFactory, StructureFactory
from tests.workflows.list_helpers import perenchies

pytestmark = pytest.mark.django_db


def _rows(client: Client, url_name: str, **query: str) -> list[Any]:
    response = client.get(reverse(url_name), query)
    assert response.status_code == 200
    return list(response.context["page"])


def _titles(client: Client, url_name: str, **query: str) -> list[str]:
    return [row.title for row in _rows(client, url_name, **query)]


def _project(title: str, first: str, last: str, commune: Commune, siret: str = "") -> Project:
    person = PersonFactory.create(user__first_name=first, user__last_name=last)
    structure = StructureFactory.create(holder=person, siret=siret or "73282932000074")
    return ProjectFactory.create(holder=person, structure=structure, title=title, commune=commune)


@pytest.fixture
def projects(db: None) -> list[Project]:
    roubaix = Commune.objects.get_or_create(
        insee_code="59512", defaults={"name": "Roubaix", "epci_siren": "200093201"}
    )[0]
    return [
        _project("Épicerie des Flandres", "Émilie", "Lefèvre", perenchies(), "55208131766522"),
        _project("Atelier vélo", "Bruno", "Martin", roubaix),
    ]


def test_projects_are_found_by_commune_person_and_siret_without_accents(
    client: Client, mel_staff: User, projects: list[Project]
) -> None:
    client.force_login(mel_staff)
    for query in ("perenchies", "EMILIE", "lefevre", "552081317", "epicerie flandres"):
        assert _titles(client, "applicants:project_list", q=query) == ["Épicerie des Flandres"]


def test_projects_filter_by_stage_and_sort_by_commune_in_french_order(
    client: Client, mel_staff: User, projects: list[Project]
) -> None:
    Project.objects.filter(pk=projects[1].pk).update(stage=ProjectStage.IDEA)
    client.force_login(mel_staff)
    assert _titles(client, "applicants:project_list", stade="idea") == ["Atelier vélo"]
    by_commune = _titles(client, "applicants:project_list", tri="commune")
    assert by_commune == ["Épicerie des Flandres", "Atelier vélo"]  # Pérenchies < Roubaix


def test_an_incubator_searching_another_portfolio_finds_nothing(
    client: Client,
    project_a_supported_by_x: Project,
    project_b: Project,
    incubator_x_member: User,
) -> None:
    client.force_login(incubator_x_member)
    assert _titles(client, "applicants:project_list", q="atelier") == []
    assert _titles(client, "applicants:project_list", q="bruno") == []
    assert _titles(client, "applicants:project_list", q="epicerie") == ["Épicerie solidaire"]


def test_the_qpv_queue_searches_and_filters_by_commune_without_a_qpv_filter(
    client: Client, mel_staff: User, projects: list[Project]
) -> None:
    for project in projects:
        project.current_qpv = QpvDetermination.objects.create(
            project=project, outcome=QpvOutcome.TO_VERIFY, source=QpvSource.DECLARED
        )
        project.save(update_fields=["current_qpv"])
    client.force_login(mel_staff)
    assert _titles(client, "applicants:qpv_queue", q="perenchies") == ["Épicerie des Flandres"]
    assert _titles(client, "applicants:qpv_queue", commune="59512") == ["Atelier vélo"]
    response = client.get(reverse("applicants:qpv_queue"))
    assert "qpv" not in response.context["filter"].form.fields
    assert "2 projets." in html.unescape(response.content.decode())


def test_organisations_are_found_without_accents_and_only_among_ones_own(
    client: Client,
    mel_staff: User,
    incubator_x_member: User,
    incubator_y: Organisation,
    committee: Organisation,
) -> None:
    client.force_login(mel_staff)
    names = [o.name for o in _rows(client, "accounts:organisation_list", q="equipe mel")]
    assert names == ["Équipe ESS de la MEL"]
    kinds = [o.name for o in _rows(client, "accounts:organisation_list", type="committee")]
    assert kinds == [committee.name]
    client.force_login(incubator_x_member)  # Incubateur Y exists, and stays hidden
    assert [o.name for o in _rows(client, "accounts:organisation_list", q="incubateur")] == [
        "Incubateur X"
    ]


def test_sessions_are_found_by_a_dossier_on_their_agenda_and_by_period(
    client: Client, on_agenda: Any, mel_staff: User
) -> None:
    holder = on_agenda.holder.user
    User.objects.filter(pk=holder.pk).update(first_name="Émilie", last_name="Lefèvre")
    client.force_login(mel_staff)
    found = _rows(client, "reviewers:session_list", q="emilie lefevre")
    assert [s.pk for s in found] == [on_agenda.committee_session_id]
    assert _rows(client, "reviewers:session_list", q="personne inconnue") == []
    assert len(_rows(client, "reviewers:session_list", periode="a_venir")) == 1
    assert _rows(client, "reviewers:session_list", periode="passees") == []


def test_the_inbox_is_searched_by_dossier_and_narrowed_to_one_kind(
    client: Client, on_agenda: Any, mel_staff: User, committee_member: User
) -> None:
    from tests.workflows.stage_helpers import instruct

    instruct(on_agenda, mel_staff)
    title = on_agenda.project.title
    client.force_login(committee_member)
    steps = _rows(client, "workflows:inbox", q=title)
    assert steps
    assert all(step.dossier_cache.pk == on_agenda.pk for step in steps)
    assert _rows(client, "workflows:inbox", q="zzzz introuvable") == []
    assert _rows(client, "workflows:inbox", type="parcours") == []
    assert len(_rows(client, "workflows:inbox", type="notation")) == len(steps)
    page = html.unescape(client.get(reverse("workflows:inbox"), {"q": "zzzz"}).content.decode())
    assert "Aucune étape ne correspond à votre recherche." in page

"""The committee member's pages, as a member reads them: the dossier before the grid, its
documents (and who may not download them), each criterion once with the 0 to 4 scale
explained before any error, the average's count, and the session in French words."""

from __future__ import annotations

import datetime
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Organisation, OrganisationKind, User
from documents.models import Document
from funding.models import Programme, ScoringCriterion
from funding.selectors import scoring_grid
from reviewers.flows import scorings_start
from reviewers.services.selection import conflict_declare
from reviewers.services.sessions import committee_session_create
from reviewers.templatetags.committee import notations, session_moment
from tests.factories.accounts import make_organisation
from tests.support.stored_documents import stored_document
from tests.workflows.application_helpers import app_task, staff_step
from tests.workflows.stage_helpers import (
    add_member,
    hold_session,
    open_task_of,
    schedule_session,
    scoring_of,
)
from workflows.models import Application

pytestmark = pytest.mark.django_db

NOTE = "Projet solide, porté par une équipe expérimentée ; budget réaliste."
NBSP = "\u00a0"


@pytest.fixture
def instructed(client: Client, on_agenda: Application, mel_staff: User) -> Application:
    data = {"session": on_agenda.committee_session_id, "note": NOTE}
    assert staff_step(client, mel_staff, on_agenda, "instruction", data).status_code == 302
    on_agenda.refresh_from_db()
    return on_agenda


def scoring_url(application: Application, member: User) -> str:
    return reverse("workflows:task", args=[open_task_of(scoring_of(application, member)).pk])


def score(client: Client, application: Application, member: User, value: int) -> None:
    grid = scoring_grid(rule_version=application.rule_version)
    client.force_login(member)
    data = {f"score_{c.pk}": value for c in grid}
    assert client.post(scoring_url(application, member), data).status_code == 302


def download_url(document: Document) -> str:
    return reverse("documents:download", args=[document.public_id])


# The scoring page --------------------------------------------------------------------------


def test_the_scoring_page_shows_the_dossier_before_the_grid(
    client: Client, instructed: Application, committee_member: User
) -> None:
    client.force_login(committee_member)
    page = client.get(scoring_url(instructed, committee_member)).content.decode()
    dossier = page.index('id="dossier"')
    assert dossier < page.index("Le projet en quelques mots") < page.index('id="grille"')
    assert page.index("Plan de financement") < page.index('name="score_')
    assert page.index("Pièces du dossier") < page.index("Rendre ma notation")
    assert escape(NOTE) in page[dossier : page.index('id="grille"')]  # the instruction note
    assert f"12\u202f000{NBSP}€" in page  # the amount asked, in whole euros


def test_each_criterion_label_is_printed_once_as_the_legend_of_its_fieldset(
    client: Client, instructed: Application, committee_member: User
) -> None:
    client.force_login(committee_member)
    page = client.get(scoring_url(instructed, committee_member)).content.decode()
    grid = list(scoring_grid(rule_version=instructed.rule_version))
    assert len(grid) == 7
    for criterion in grid:
        assert page.count(escape(criterion.label)) == 1, criterion.label
        assert f"<legend>{escape(criterion.label)}</legend>" in page
    assert page.count("<fieldset") == len(grid)
    assert page.count('type="radio"') == 5 * len(grid)  # 0, 1, 2, 3, 4 per criterion
    assert "Le projet répond-il à un besoin réel" in page  # what to look at, per criterion


def test_the_scale_and_whole_numbers_are_explained_before_any_error(
    client: Client, instructed: Application, committee_member: User
) -> None:
    client.force_login(committee_member)
    page = client.get(scoring_url(instructed, committee_member)).content.decode()
    assert "error-summary" not in page
    explained = page.index("choisissez une note entière de 0 à 4")
    assert explained < page.index('type="radio"')
    for words in ("0 — Absent", "2 — Moyen", "4 — Excellent"):
        assert words in page[explained : page.index("<form", explained)]
    assert "Note entière de 0 à 4." in page  # and per criterion, beside its buttons


def test_a_missing_score_is_summarised_with_a_link_to_its_first_button(
    client: Client, instructed: Application, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    client.force_login(committee_member)
    grid = list(scoring_grid(rule_version=instructed.rule_version))
    data = {f"score_{c.pk}": 3 for c in grid[1:]} | {"comment": "Gardé tel quel."}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Erreur\u00a0: " in page
    assert f'href="#id_score_{grid[0].pk}_0"' in page
    assert f'id="id_score_{grid[0].pk}_0"' in page
    assert "Gardé tel quel." in page
    assert page.count("checked") == len(grid) - 1  # the scores given stay chosen


# Documents ---------------------------------------------------------------------------------


def test_a_member_scoring_the_dossier_sees_and_downloads_its_documents(
    client: Client, instructed: Application, committee_member: User
) -> None:
    document = stored_document(instructed)
    client.force_login(committee_member)
    page = client.get(scoring_url(instructed, committee_member)).content.decode()
    assert "Statuts datés et signés" in page  # named by the checklist item it answers
    assert download_url(document) in page
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(cast(Any, response).streaming_content).startswith(b"%PDF")
    assert not committee_member.has_perm("workflows.view_application", instructed)
    assert (
        client.get(reverse("workflows:application_detail", args=[instructed.pk])).status_code == 404
    )


def test_a_member_who_withdrew_may_no_longer_download_the_documents(
    client: Client, instructed: Application, committee_member: User
) -> None:
    document = stored_document(instructed)
    conflict_declare(application=instructed, member=committee_member, reason="Voisin.")
    client.force_login(committee_member)
    assert client.get(download_url(document)).status_code == 404


def test_a_member_of_another_session_may_not_download_the_documents(
    client: Client, instructed: Application
) -> None:
    other = make_organisation("Autre comité", OrganisationKind.COMMITTEE)
    outsider = add_member(other, "membre@autre-comite.example.org")
    schedule_session(other)
    document = stored_document(instructed)
    client.force_login(outsider)
    assert client.get(download_url(document)).status_code == 404


def test_the_applicant_of_another_dossier_may_not_download_the_documents(
    client: Client, instructed: Application, applicant_b: User
) -> None:
    document = stored_document(instructed)
    client.force_login(applicant_b)
    assert client.get(download_url(document)).status_code == 404
    client.force_login(instructed.holder.user)  # its own holder still may
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(cast(Any, response).streaming_content)  # read to the end: closes it


# The average's count -----------------------------------------------------------------------


def _members(committee: Organisation, count: int) -> list[User]:
    return [add_member(committee, f"membre{n}@comite.example.org") for n in range(count)]


def test_the_average_counts_both_scorings_with_the_members_own(
    client: Client, instructed: Application, committee: Organisation, committee_member: User
) -> None:
    (second,) = _members(committee, 1)
    scorings_start(application=instructed)
    score(client, instructed, second, 1)
    score(client, instructed, committee_member, 4)
    page = client.get(scoring_url_done(instructed, committee_member)).content.decode()
    assert "moyenne de 2 notations, la vôtre comprise" in page
    assert "62,50 / 100" in page
    assert "1 notation" not in page


def test_the_average_counts_four_scorings_on_the_member_and_deliberation_pages(
    client: Client,
    instructed: Application,
    committee: Organisation,
    committee_member: User,
    mel_staff: User,
) -> None:
    others = _members(committee, 3)
    scorings_start(application=instructed)
    for member in [*others, committee_member]:
        score(client, instructed, member, 2)
    page = client.get(scoring_url_done(instructed, committee_member)).content.decode()
    assert "moyenne de 4 notations, la vôtre comprise" in page
    client.force_login(mel_staff)
    task = app_task(instructed, "deliberation")
    page = client.get(reverse("workflows:task", args=[task.pk])).content.decode()
    assert "moyenne de 4 notations" in page
    assert page.index("Notes des membres") < page.index('name="outcome"')
    for criterion in scoring_grid(rule_version=instructed.rule_version):
        assert escape(criterion.label) in page
        if "_" in criterion.code:
            assert criterion.code not in page  # labels, never codes


def scoring_url_done(application: Application, member: User) -> str:
    task = scoring_of(application, member).task_set.filter(flow_task_type="HUMAN").latest("pk")
    return reverse("workflows:task", args=[task.pk])


def test_notations_are_counted_in_french() -> None:
    assert notations(0) == "0 notation"
    assert notations(1) == "1 notation"
    assert notations(2) == "2 notations"
    assert notations(4) == "4 notations"


# The session in words ----------------------------------------------------------------------


def _session_at(committee: Organisation, moment: datetime.datetime) -> Any:
    programme = Programme.objects.get(slug="entreprendre-autrement")
    return committee_session_create(
        committee=committee, programme=programme, starts_at=moment, place="Salle du conseil"
    )


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))  # noqa: DTZ001


def test_the_session_reads_as_a_french_date_and_time() -> None:
    assert (
        session_moment(_local(2027, 3, 23, 14, 0))
        == f"mardi 23{NBSP}mars{NBSP}2027 à 14{NBSP}h{NBSP}00"
    )
    assert (
        session_moment(_local(2027, 3, 1, 9, 30))
        == f"lundi 1er{NBSP}mars{NBSP}2027 à 9{NBSP}h{NBSP}30"
    )
    assert (
        session_moment(_local(2027, 3, 23, 7, 6)) == f"mardi 23{NBSP}mars{NBSP}2027"
    )  # time means nothing
    assert session_moment(_local(2027, 3, 23, 0, 0)) == f"mardi 23{NBSP}mars{NBSP}2027"


def test_the_agenda_and_the_session_list_say_when_where_and_who(
    client: Client, instructed: Application, committee: Organisation, committee_member: User
) -> None:
    session = _session_at(committee, _local(2027, 3, 23, 14, 0))
    odd = _session_at(committee, _local(2027, 4, 6, 7, 6))
    client.force_login(committee_member)
    page = client.get(reverse("workflows:session_agenda", args=[session.pk])).content.decode()
    assert f"Mardi 23{NBSP}mars{NBSP}2027 à 14{NBSP}h{NBSP}00" in page
    assert "Salle du conseil" in page
    assert str(committee_member) in page  # the members, each with their progress
    listing = client.get(reverse("reviewers:session_list")).content.decode()
    assert f"Mardi 23{NBSP}mars{NBSP}2027 à 14{NBSP}h{NBSP}00" in listing
    assert f"Mardi 6{NBSP}avril{NBSP}2027<" in listing
    assert "07:06" not in listing
    page = client.get(reverse("workflows:session_agenda", args=[odd.pk])).content.decode()
    assert "07:06" not in page
    assert "7\u00a0h\u00a006" not in page


def test_the_agenda_shows_each_dossiers_progress_and_the_chair_the_deliberation_button(
    client: Client,
    instructed: Application,
    committee: Organisation,
    committee_member: User,
    mel_staff: User,
) -> None:
    others = _members(committee, 3)
    scorings_start(application=instructed)
    for member in others:
        score(client, instructed, member, 3)
    agenda = reverse("workflows:session_agenda", args=[instructed.committee_session_id])
    client.force_login(committee_member)
    page = client.get(agenda).content.decode()
    assert "3 notations sur 4" in page
    assert "a rendu 0 notation sur 1" in page  # the member who has not scored yet
    assert "a rendu 1 notation sur 1" in page
    hold_session(instructed)
    client.force_login(mel_staff)
    page = client.get(agenda).content.decode()
    task = app_task(instructed, "deliberation")
    assert "Prochaine action" in page
    assert reverse("workflows:task", args=[task.pk]) in page
    assert "Délibérer" in page


# Query counts ------------------------------------------------------------------------------


def _scoring_page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_scoring_page_costs_the_same_for_1_or_12_documents_and_7_or_14_criteria(
    client: Client, instructed: Application, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    client.force_login(committee_member)
    stored_document(instructed)
    _scoring_page_queries(client, url)  # a running server's caches filled
    small = _scoring_page_queries(client, url)
    for n in range(11):
        stored_document(instructed, name=f"piece-{n}.pdf")
    version = instructed.rule_version
    for n in range(7):
        ScoringCriterion.objects.create(
            rule_version=version, code=f"extra-{n}", label=f"Critère {n}", weight_percent=1
        )
    large = _scoring_page_queries(client, url)
    page = client.get(url).content.decode()
    assert page.count("<fieldset") == 14
    assert page.count(reverse("documents:download", args=[instructed.documents.last().public_id]))
    assert small == large
    assert large <= 30


def test_members_scoring_before_the_consult_grant_existed_get_it_from_the_migration(
    client: Client, instructed: Application, committee: Organisation, committee_member: User
) -> None:
    import importlib

    from django.apps import apps
    from guardian.models import UserObjectPermission

    (withdrawn,) = _members(committee, 1)
    scorings_start(application=instructed)
    conflict_declare(application=instructed, member=withdrawn)
    UserObjectPermission.objects.all().delete()  # as before the grant existed
    document = stored_document(instructed)
    migration = importlib.import_module("reviewers.migrations.0003_members_consult_their_dossiers")
    migration.grant(apps, None)
    assert UserObjectPermission.objects.count() == 1
    client.force_login(committee_member)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(cast(Any, response).streaming_content)  # read to the end: closes it
    client.force_login(withdrawn)
    assert client.get(download_url(document)).status_code == 404


# What members may read ends with their session ---------------------------------------------


def test_a_dossier_moved_to_another_session_is_no_longer_read_by_the_first_members(
    client: Client,
    instructed: Application,
    committee: Organisation,
    committee_member: User,
    mel_staff: User,
) -> None:
    from reviewers.services.selection import application_move_session

    document = stored_document(instructed)
    client.force_login(committee_member)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(cast(Any, response).streaming_content)  # read to the end: closes it
    other = make_organisation("Comité de l'autre programme", OrganisationKind.COMMITTEE)
    later = schedule_session(other, days_ahead=40)
    application_move_session(application=instructed, actor=mel_staff, session=later)
    assert client.get(download_url(document)).status_code == 404


def test_a_member_cannot_learn_a_holders_email_by_searching_the_sessions(
    client: Client, instructed: Application, committee_member: User, mel_staff: User
) -> None:
    """The agenda never shows the holder's e-mail or SIRET: a search on them must not
    tell a member whether a guess is right; MEL staff, who see them, may search them."""
    email = instructed.holder.user.email
    url = reverse("reviewers:session_list") + "?" + urlencode({"q": email})
    session_link = reverse("workflows:session_agenda", args=[instructed.committee_session_id])
    client.force_login(committee_member)
    assert session_link not in client.get(url).content.decode()
    client.force_login(mel_staff)
    assert session_link in client.get(url).content.decode()

"""The selection pages (stage 8) over HTTP: the instruction note and the deliberation by
MEL staff, each member's blind scoring, conflicts of interest, the session's agenda and the
documents (procès-verbal, decision letter), each persona checked per object."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.status import STATUS

from accounts.models import Organisation, OrganisationKind, User
from funding.selectors import scoring_grid
from reviewers.flows import scorings_start
from reviewers.models import CommitteeSession, ConflictDeclaration, Deliberation, Outcome, Scoring
from reviewers.pdf import letter_date
from reviewers.services.selection import conflict_declare
from tests.factories.accounts import make_organisation
from tests.workflows.application_helpers import make_waiting_applications, staff_step
from tests.workflows.stage_helpers import (
    add_member,
    hold_session,
    open_task_of,
    schedule_session,
    scoring_of,
)
from workflows.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db

NOTE = "Projet solide, porté par une équipe expérimentée ; budget réaliste."


@pytest.fixture
def instructed(client: Client, on_agenda: Application, mel_staff: User) -> Application:
    """On the agenda, instruction note written: every member has a scoring open."""
    response = instruct(client, mel_staff, on_agenda, note=NOTE)
    assert response.status_code == 302, response.content.decode()[:2000]
    on_agenda.refresh_from_db()
    return on_agenda


@pytest.fixture
def second_member(committee: Organisation) -> User:
    return add_member(committee, "deuxieme@comite.example.org")


@pytest.fixture
def outsider_member(db: None) -> User:
    other = make_organisation("Autre comité", OrganisationKind.COMMITTEE)
    return add_member(other, "membre@autre-comite.example.org")


def instruct(client: Client, staff: User, application: Application, *, note: str) -> Any:
    data = {"session": application.committee_session_id, "note": note}
    return staff_step(client, staff, application, "instruction", data)


def scoring_url(application: Application, member: User) -> str:
    return reverse("workflows:task", args=[open_task_of(scoring_of(application, member)).pk])


def scores_data(application: Application, *, score: int | None = None, **extra: str) -> dict:
    grid = scoring_grid(rule_version=application.rule_version)
    data: dict[str, Any] = {f"score_{c.pk}": c.max_score if score is None else score for c in grid}
    return {**data, **extra}


def deliberate(client: Client, staff: User, application: Application, **data: str) -> Any:
    return staff_step(client, staff, application, "deliberation", data)


def agenda_url(application: Application) -> str:
    return reverse("workflows:session_agenda", args=[application.committee_session_id])


def minutes_url(session_pk: int | None) -> str:
    return reverse("workflows:session_minutes", args=[session_pk])


def letter_url(application: Application) -> str:
    return reverse("workflows:decision_letter", args=[application.pk])


# Instruction -------------------------------------------------------------------------------


def test_staff_read_the_dossier_and_the_support_avis_on_the_instruction_page(
    client: Client, on_agenda: Application, mel_staff: User
) -> None:
    from tests.workflows.application_helpers import app_task

    client.force_login(mel_staff)
    task = app_task(on_agenda, "instruction")
    response = client.get(reverse("workflows:task", args=[task.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Projet solide." in page  # the support organisation's avis
    assert "12\u202f000\u00a0€" in page  # requested and recommended amounts, French format
    assert "Note d&#x27;instruction" in page


def test_the_session_list_shows_the_day_of_the_session_in_lille(
    client: Client, on_agenda: Application, mel_staff: User
) -> None:
    from tests.workflows.application_helpers import app_task

    # 22:30 UTC on 14 June is 00:30 on 15 June in Lille.
    late = datetime.datetime(2030, 6, 14, 22, 30, tzinfo=datetime.UTC)
    CommitteeSession.objects.filter(pk=on_agenda.committee_session_id).update(starts_at=late)
    client.force_login(mel_staff)
    task = app_task(on_agenda, "instruction")
    page = html.unescape(client.get(reverse("workflows:task", args=[task.pk])).content.decode())
    assert "15/06/2030 — Hôtel de la Métropole, Lille" in page
    assert "14/06/2030" not in page


def test_staff_write_the_instruction_note_and_each_member_gets_a_scoring(
    client: Client, instructed: Application, committee_member: User
) -> None:
    assert instructed.instruction_note == NOTE
    assert scoring_of(instructed, committee_member).status == STATUS.NEW
    client.force_login(committee_member)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert scoring_url(instructed, committee_member) in inbox


def test_a_too_short_note_keeps_what_was_typed_and_says_why_in_french(
    client: Client, on_agenda: Application, mel_staff: User
) -> None:
    response = instruct(client, mel_staff, on_agenda, note="Trop court.")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rédigez la note d&#x27;instruction (au moins quelques phrases)" in page
    assert "Trop court." in page
    on_agenda.refresh_from_db()
    assert on_agenda.instruction_note == ""
    assert not Scoring.objects.filter(dossier=on_agenda).exists()


# Scoring -----------------------------------------------------------------------------------


def test_a_member_scores_on_the_grid_and_sees_the_weighted_score(
    client: Client, instructed: Application, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    client.force_login(committee_member)
    page = client.get(url).content.decode()
    assert "Utilité sociale, réponse à un besoin non couvert" in page
    assert NOTE.replace("'", "&#x27;") in page  # the instruction note, read-only
    assert reverse("workflows:application_detail", args=[instructed.pk]) not in page

    response = client.post(url, scores_data(instructed, comment="Très bon dossier."))
    assert response.status_code == 302
    scoring = scoring_of(instructed, committee_member)
    assert scoring.weighted_score == Decimal("100.00")
    assert scoring.comment == "Très bon dossier."
    assert "100,00 / 100" in client.get(url).content.decode()


def test_an_out_of_range_score_is_refused_in_french_and_the_typed_values_stay(
    client: Client, instructed: Application, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    client.force_login(committee_member)
    data = scores_data(instructed, score=9, comment="Mon avis général, gardé.")
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez une note entière de 0 à 4" in page
    assert "<title>Erreur\u00a0: " in page
    assert "Mon avis général, gardé." in page
    assert scoring_of(instructed, committee_member).submitted_at is None


def test_scoring_is_blind_until_the_member_has_submitted(
    client: Client, second_member: User, instructed: Application, committee_member: User
) -> None:
    secret = "Commentaire du deuxième membre"
    client.force_login(second_member)
    response = client.post(
        scoring_url(instructed, second_member), scores_data(instructed, score=1, comment=secret)
    )
    assert response.status_code == 302

    url = scoring_url(instructed, committee_member)
    client.force_login(committee_member)
    before = client.get(url).content.decode()
    assert secret not in before
    assert "25,00" not in before  # the second member's weighted score

    assert client.post(url, scores_data(instructed)).status_code == 302
    after = client.get(url).content.decode()
    assert secret in after
    assert "25,00" in after
    assert "62,50 / 100" in after  # the average of 100 and 25


def test_staff_read_a_scoring_but_may_not_score_for_the_member(
    client: Client, instructed: Application, mel_staff: User, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    client.force_login(mel_staff)
    assert client.get(url).status_code == 200
    assert client.post(url, scores_data(instructed)).status_code == 403
    assert scoring_of(instructed, committee_member).submitted_at is None


@pytest.mark.parametrize(
    "persona", ["outsider_member", "applicant_b", "financier_member", "incubator_x_member"]
)
def test_nobody_else_reaches_a_scoring_the_agenda_or_the_minutes(
    client: Client,
    instructed: Application,
    committee_member: User,
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    user = request.getfixturevalue(persona)
    urls = [
        scoring_url(instructed, committee_member),
        agenda_url(instructed),
        minutes_url(instructed.committee_session_id),
    ]
    client.force_login(user)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    response = client.post(reverse("workflows:conflict_declare", args=[instructed.pk]))
    assert response.status_code == 404
    assert not ConflictDeclaration.objects.exists()


def test_a_member_who_withdraws_loses_the_scoring_page_and_the_task(
    client: Client, instructed: Application, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    client.force_login(committee_member)
    assert "Je me déporte (conflit d'intérêts)" in client.get(url).content.decode()

    response = client.post(
        reverse("workflows:conflict_declare", args=[instructed.pk]),
        {"reason": "Je connais la porteuse."},
    )
    assert response.status_code == 302
    assert response["Location"] == agenda_url(instructed)
    declaration = ConflictDeclaration.objects.get(member=committee_member)
    assert declaration.reason == "Je connais la porteuse."
    assert client.get(url).status_code == 404
    assert url not in client.get(reverse("workflows:inbox")).content.decode()
    assert scoring_of(instructed, committee_member).status == STATUS.CANCELED
    assert "Vous vous êtes déporté·e" in client.get(agenda_url(instructed)).content.decode()


def test_staff_see_a_withdrawn_members_scoring_as_cancelled(
    client: Client, instructed: Application, mel_staff: User, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    conflict_declare(application=instructed, member=committee_member)
    client.force_login(mel_staff)
    page = client.get(url).content.decode()
    assert "Cette notation est annulée" in page
    assert "Projet solide." not in page


def test_a_scoring_closed_by_the_deliberation_shows_a_plain_message(
    client: Client, instructed: Application, mel_staff: User, committee_member: User
) -> None:
    url = scoring_url(instructed, committee_member)
    hold_session(instructed)
    response = deliberate(
        client, mel_staff, instructed, outcome=Outcome.ADJOURNED, reasons="Préciser le budget."
    )
    assert response.status_code == 302
    client.force_login(committee_member)
    page = client.get(url).content.decode()
    assert "Cette notation est close" in page
    assert "Utilité sociale, réponse" not in page
    assert client.post(url, scores_data(instructed)).status_code == 302
    assert scoring_of(instructed, committee_member).submitted_at is None


# Agenda ------------------------------------------------------------------------------------


def test_the_agenda_shows_each_member_their_own_status_and_staff_the_figures(
    client: Client,
    second_member: User,
    instructed: Application,
    mel_staff: User,
    committee_member: User,
) -> None:
    client.force_login(committee_member)
    page = client.get(agenda_url(instructed)).content.decode()
    assert instructed.project.title in page
    assert scoring_url(instructed, committee_member) in page
    assert "Noter ce dossier" in page
    assert "Déclarer un conflit d'intérêts" in page
    assert reverse("workflows:application_detail", args=[instructed.pk]) not in page

    client.force_login(mel_staff)
    page = client.get(agenda_url(instructed)).content.decode()
    assert reverse("workflows:application_detail", args=[instructed.pk]) in page
    assert "0 notation sur 2" in page
    assert minutes_url(instructed.committee_session_id) in page


def test_the_session_list_links_to_the_agenda(
    client: Client, instructed: Application, committee_member: User
) -> None:
    client.force_login(committee_member)
    page = client.get(reverse("reviewers:session_list")).content.decode()
    assert agenda_url(instructed) in page


def _agenda_queries(client: Client, session: CommitteeSession, user: User) -> int:
    client.force_login(user)
    url = reverse("workflows:session_agenda", args=[session.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _put_on_agenda(session: CommitteeSession, count: int) -> None:
    make_waiting_applications(count)
    Application.objects.filter(committee_session__isnull=True).update(
        committee_session=session, stage=ApplicationStatus.ON_AGENDA
    )
    for application in Application.objects.filter(committee_session=session):
        if not Scoring.objects.filter(dossier=application).exists():
            scorings_start(application=application)


def test_the_agenda_costs_the_same_queries_for_2_or_15_dossiers(
    client: Client,
    committee: Organisation,
    committee_member: User,
    second_member: User,
    mel_staff: User,
    django_assert_max_num_queries: Any,
) -> None:
    session = schedule_session(committee)
    _put_on_agenda(session, 2)
    conflict_declare(application=Application.objects.first(), member=second_member)
    small = {u.pk: _agenda_queries(client, session, u) for u in (committee_member, mel_staff)}
    _put_on_agenda(session, 13)
    assert Application.objects.filter(committee_session=session).count() == 15
    large = {u.pk: _agenda_queries(client, session, u) for u in (committee_member, mel_staff)}
    assert small == large
    for user in (committee_member, mel_staff):
        client.force_login(user)
        with django_assert_max_num_queries(15):
            client.get(reverse("workflows:session_agenda", args=[session.pk]))


# Deliberation ------------------------------------------------------------------------------


def test_the_deliberation_is_refused_before_the_session_then_recorded_after_it(
    client: Client, instructed: Application, mel_staff: User, committee_member: User
) -> None:
    client.force_login(committee_member)
    client.post(scoring_url(instructed, committee_member), scores_data(instructed))

    response = deliberate(
        client, mel_staff, instructed, outcome=Outcome.FAVOURABLE, proposed_amount="12 000"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "La séance n&#x27;a pas encore eu lieu" in page
    assert 'value="12 000"' in page
    assert not Deliberation.objects.exists()

    hold_session(instructed)
    response = deliberate(
        client, mel_staff, instructed, outcome=Outcome.FAVOURABLE, proposed_amount="12 000"
    )
    assert response.status_code == 302
    deliberation = Deliberation.objects.get(application=instructed)
    assert deliberation.proposed_amount == Decimal(12000)
    assert deliberation.average_score == Decimal("100.00")
    instructed.refresh_from_db()
    assert instructed.stage == ApplicationStatus.FUNDING


def test_the_deliberation_page_shows_scorings_withdrawals_and_who_has_not_scored(
    client: Client,
    second_member: User,
    instructed: Application,
    mel_staff: User,
    committee: Organisation,
    committee_member: User,
) -> None:
    from tests.workflows.application_helpers import app_task

    third = add_member(committee, "troisieme@comite.example.org")
    scorings_start(application=instructed)  # the newcomer gets a scoring too
    client.force_login(committee_member)
    client.post(
        scoring_url(instructed, committee_member), scores_data(instructed, comment="Solide.")
    )
    conflict_declare(application=instructed, member=second_member, reason="Ancien associé.")
    client.force_login(mel_staff)
    task = app_task(instructed, "deliberation")
    page = client.get(reverse("workflows:task", args=[task.pk])).content.decode()
    scored, _, rest = page.partition("Membres qui n'ont pas noté")
    pending, _, rest = rest.partition("Membres déportés")
    withdrew = rest.partition("Avis du comité")[0]
    assert str(committee_member) in scored
    assert "Solide." in scored
    assert "100,00 / 100" in scored
    assert str(second_member) in withdrew
    assert "Ancien associé." in withdrew
    assert str(third) in pending
    assert str(committee_member) not in pending
    assert str(second_member) not in pending


def test_a_conditional_avis_needs_its_conditions_and_keeps_what_was_typed(
    client: Client, instructed: Application, mel_staff: User
) -> None:
    hold_session(instructed)
    response = deliberate(
        client, mel_staff, instructed, outcome=Outcome.WITH_CONDITIONS, proposed_amount="9000,50"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Précisez les conditions posées par le comité." in page
    assert 'value="9000,50"' in page
    response = deliberate(
        client,
        mel_staff,
        instructed,
        outcome=Outcome.WITH_CONDITIONS,
        proposed_amount="9000,50",
        conditions="Ouvrir un compte bancaire dédié.",
    )
    assert response.status_code == 302
    assert Deliberation.objects.get().proposed_amount == Decimal("9000.50")


# Documents and the dossier page -------------------------------------------------------------


@pytest.fixture
def plain_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Uncompressed PDFs, so a test can look for words in them."""
    monkeypatch.setattr("reportlab.rl_config.pageCompression", 0)


@pytest.mark.parametrize(
    ("outcome", "data", "word"),
    [
        (Outcome.FAVOURABLE, {"proposed_amount": "12000"}, b"financeurs"),
        (Outcome.ADJOURNED, {"reasons": "Budget < charges & produits"}, b"retravailler"),
        (Outcome.UNFAVOURABLE, {"reasons": "Hors <b>champ</b> & ESS"}, b"recours"),
    ],
)
def test_the_decision_letter_downloads_for_the_holder_worded_per_outcome(
    client: Client,
    instructed: Application,
    mel_staff: User,
    applicant_b: User,
    plain_pdfs: None,
    outcome: str,
    data: dict[str, str],
    word: bytes,
) -> None:
    holder = instructed.holder.user
    client.force_login(holder)
    assert client.get(letter_url(instructed)).status_code == 404  # no avis yet
    hold_session(instructed)
    assert deliberate(client, mel_staff, instructed, outcome=outcome, **data).status_code == 302

    client.force_login(holder)
    response = client.get(letter_url(instructed))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]  # the decision letter is never cached
    assert response.content.startswith(b"%PDF")
    assert word in response.content
    # Dated the day the avis was recorded in Lille, not the day of the download.
    recorded = datetime.datetime(2024, 3, 14, 23, 30, tzinfo=datetime.UTC)  # 15/03 in Lille
    Deliberation.objects.filter(application=instructed).update(recorded_at=recorded)
    letter = client.get(letter_url(instructed)).content
    assert b"Lille, le 15/03/2024" in letter
    deliberation = Deliberation.objects.get(application=instructed)
    assert letter_date(deliberation) == "15/03/2024"
    client.force_login(applicant_b)
    assert client.get(letter_url(instructed)).status_code == 404


def test_the_minutes_are_for_mel_staff_only(
    client: Client, instructed: Application, mel_staff: User, committee_member: User
) -> None:
    session_pk = instructed.committee_session_id
    hold_session(instructed)
    reasons = "Modèle économique fragile & <non> viable."
    deliberate(client, mel_staff, instructed, outcome=Outcome.UNFAVOURABLE, reasons=reasons)
    response = client.get(minutes_url(session_pk))  # still logged in as staff
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]  # minutes never kept by a cache
    assert response.content.startswith(b"%PDF")
    client.force_login(committee_member)
    assert client.get(minutes_url(session_pk)).status_code == 403


def test_the_dossier_page_shows_the_session_and_the_avis_and_staff_see_more(
    client: Client, instructed: Application, mel_staff: User, committee_member: User
) -> None:
    detail = reverse("workflows:application_detail", args=[instructed.pk])
    holder = instructed.holder.user
    client.force_login(holder)
    page = client.get(detail).content.decode()
    assert "Comité de sélection" in page
    assert "Hôtel de la Métropole, Lille" in page
    assert "Projet solide, porté" not in page  # the instruction note is for staff
    assert letter_url(instructed) not in page

    client.force_login(mel_staff)
    page = client.get(detail).content.decode()
    assert "Projet solide, porté" in page
    assert "0 rendue sur 1 ouverte" in page

    hold_session(instructed)
    deliberate(client, mel_staff, instructed, outcome=Outcome.FAVOURABLE, proposed_amount="12000")
    page = client.get(detail).content.decode()
    assert minutes_url(instructed.committee_session_id) in page
    client.force_login(holder)
    page = client.get(detail).content.decode()
    assert "Avis favorable" in page
    assert "12\u202f000,00\u00a0€" in page
    assert letter_url(instructed) in page
    assert minutes_url(instructed.committee_session_id) not in page

"""The dossier's status page and the applicant's home, as the applicant reads them: where
the dossier stands among the journey's steps, what is expected and by when, what happened
in sentences; no identifier of the code on any of the applicant's pages; the diagrams and
the audit for MEL staff only."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.support.identifiers import identifiers_in, visible_text
from tests.workflows.application_helpers import staff_step, submitted_application
from tests.workflows.stage_helpers import eligible_application, schedule_session
from workflows.models import Application, ApplicationEvent, ApplicationStatus, JourneyEvent
from workflows.templatetags.status import day_in_words

pytestmark = pytest.mark.django_db


def _words(day: Any) -> str:
    """The day as the page says it, spaces read as spaces (the text scan folds them)."""
    return day_in_words(day).replace("\u00a0", " ")


def _page(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _status_url(application: Application) -> str:
    return reverse("workflows:dossier_status", args=[application.source_journey_id])


def _current_step(html: str) -> str:
    match = re.search(r'<li[^>]*aria-current="step"[^>]*>(.*?)</li>', html, re.S)
    assert match, "no step marked as current"
    return visible_text(match.group(1))


def _ask_complements(client: Client, staff: User, application: Application) -> datetime.date:
    deadline = timezone.localdate() + datetime.timedelta(days=12)
    response = staff_step(
        client,
        staff,
        application,
        "completeness",
        {
            "decision": "complements",
            "items": ["jobs_planned_fte"],
            "message": "Précisez les emplois.",
            "deadline": deadline.isoformat(),
        },
    )
    assert response.status_code == 302
    return deadline


@pytest.fixture
def submitted(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> Application:
    return submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)


# The scan helper itself ------------------------------------------------------------------


def test_the_scan_finds_each_kind_of_identifier_and_spares_plain_french() -> None:
    text = (
        "Montant demandé : 12 000 €. doc_kbis modifié ; applicants.project:18 ; "
        "workflows.view_journey ; org:incubateur-x ; schéma BPMN ; statut draft."
    )
    found = identifiers_in(text)
    assert found == [
        "snake_case: doc_kbis",
        "record reference: applicants.project:18",
        "permission: workflows.view_journey",
        "group slug: org:incubateur-x",
        "diagram: BPMN",
        "status value: draft",
    ]
    assert identifiers_in("Le comité examine votre dossier le mardi 24 mars 2027.") == []
    assert visible_text('<p title="a_b">x<script>var c_d;</script></p>') == "a_b x"


# The status page -------------------------------------------------------------------------


def test_status_page_shows_the_steps_with_the_current_one_and_who_acts_now(
    client: Client, submitted: Application
) -> None:
    html = _page(client, submitted.holder.user, _status_url(submitted))
    text = visible_text(html)

    assert "Candidature" in _current_step(html)
    assert "étape en cours" in _current_step(html)
    for done in ("Premier contact", "Orientation", "Accompagnement"):
        assert f"{done} (terminée)" in text
    assert "Comité (à venir)" in text
    assert "Suivi (à venir)" in text
    assert "La MEL vérifie que votre dossier est complet. Vous serez prévenu·e par e-mail." in text
    # The timeline, in sentences, newest first.
    assert "Votre premier contact est bien reçu." in text
    assert "Candidature ouverte (brouillon)." in text
    assert text.index("Candidature ouverte") < text.index("Votre premier contact est bien reçu")
    assert reverse("documents:application", args=[submitted.pk]) in html


def test_status_page_names_the_expected_action_with_its_date_in_words(
    client: Client, submitted: Application, mel_staff: User
) -> None:
    deadline = _ask_complements(client, mel_staff, submitted)

    text = visible_text(_page(client, submitted.holder.user, _status_url(submitted)))

    assert "Ce que vous devez faire" in text
    assert "Fournir les compléments" in text
    assert f"À faire avant le {_words(deadline)} (dans 12 jours)." in text
    assert re.search(r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d", text)


def test_status_page_announces_the_committee_session_with_its_date(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
) -> None:
    session = schedule_session(committee, days_ahead=20)
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)

    html = _page(client, application.holder.user, _status_url(application))
    text = visible_text(html)

    assert "Comité" in _current_step(html)
    assert "Candidature (terminée)" in text
    assert f"Le comité examine votre dossier le {_words(session.starts_at)}" in text


def test_status_page_is_the_support_organisations_too_and_hidden_from_others(
    client: Client, submitted: Application, incubator_x_member: User, applicant_b: User
) -> None:
    text = visible_text(_page(client, incubator_x_member, _status_url(submitted)))
    assert "Candidature (étape en cours)" in text

    client.force_login(applicant_b)
    assert client.get(_status_url(submitted)).status_code == 404


# Home: real stage and named steps --------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        (ApplicationStatus.CONVENTION, "Financé : convention et versements"),
        (ApplicationStatus.FOLLOW_UP, "Financé : suivi du projet"),
        (ApplicationStatus.CLOSED, "Terminé"),
        (ApplicationStatus.REJECTED, "Avis défavorable du comité"),
    ],
)
def test_home_gives_each_dossier_its_real_stage_never_ready_to_apply_once_further(
    client: Client, submitted: Application, stage: str, label: str
) -> None:
    Application.objects.filter(pk=submitted.pk).update(stage=stage)

    text = visible_text(_page(client, submitted.holder.user, reverse("home")))

    assert f"Étape : {label}" in text
    assert "Prêt à candidater" not in text


def test_home_names_the_applicants_waiting_step_with_its_deadline_and_dossier(
    client: Client, submitted: Application, mel_staff: User
) -> None:
    deadline = _ask_complements(client, mel_staff, submitted)

    html = _page(client, submitted.holder.user, reverse("home"))
    text = visible_text(html)

    assert "1 étape vous attend." in text
    assert f"Fournir les compléments — Cantine solidaire — avant le {_words(deadline)}" in text
    assert "Étape : Candidature incomplète : compléments demandés" in text
    assert _status_url(submitted) in html


def test_partner_home_names_the_tasks_and_their_dossiers(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    from tests.workflows.conftest import act, open_task, submit_first_contact

    journey = submit_first_contact(client, roubaix, title="Ressourcerie du quartier")
    act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk},
    )

    text = visible_text(_page(client, incubator_x_member, reverse("home")))

    assert "1 étape vous attend." in text
    assert re.search(r"— Ressourcerie du quartier — avant le \w+ \d", text), text


# No identifier on the applicant's pages; internals for staff only -------------------------


def test_no_identifier_on_any_of_the_applicants_pages(
    client: Client, submitted: Application, mel_staff: User
) -> None:
    _ask_complements(client, mel_staff, submitted)
    holder = submitted.holder.user
    pages = {
        "home": reverse("home"),
        "space": reverse("applicants:space"),
        "status": _status_url(submitted),
        "application": reverse("workflows:application_detail", args=[submitted.pk]),
        "journey": reverse("workflows:journey_detail", args=[submitted.source_journey_id]),
    }
    for name, url in pages.items():
        html = _page(client, holder, url)
        if name in ("home", "space"):
            assert _status_url(submitted) in html, name
        assert identifiers_in(visible_text(html)) == [], name
        assert "schema.svg" not in html, name
        assert "journal-audit" not in html, name


def test_changes_are_named_by_their_labels(client: Client, submitted: Application) -> None:
    text = visible_text(
        _page(
            client,
            submitted.holder.user,
            reverse("workflows:application_detail", args=[submitted.pk]),
        )
    )
    assert "Montant demandé : modifié par" in text
    assert "Total des charges du budget prévisionnel : modifié par" in text


def test_staff_still_see_the_diagram_and_the_audit(
    client: Client, submitted: Application, mel_staff: User
) -> None:
    url = reverse("workflows:application_detail", args=[submitted.pk])
    html = _page(client, mel_staff, url)
    chart = reverse("workflows:application_chart", args=[submitted.pk])
    assert chart in html
    assert 'id="journal-audit"' in html
    assert client.get(chart).status_code == 200
    journey_chart = reverse("workflows:journey_chart", args=[submitted.source_journey_id])
    assert client.get(journey_chart).status_code == 200

    client.force_login(submitted.holder.user)
    assert client.get(chart).status_code == 404
    assert client.get(journey_chart).status_code == 404
    assert client.get(reverse("workflows:flow_bpmn", args=["candidature"])).status_code == 404


# Cost ------------------------------------------------------------------------------------


def _add_history(application: Application, count: int) -> None:
    JourneyEvent.objects.bulk_create(
        JourneyEvent(journey_id=application.source_journey_id, kind="support_session",
                     message=f"Point d'étape n° {i}.")
        for i in range(count)
    )  # fmt: skip
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(application=application, message=f"Relance n° {i}.") for i in range(count)
    )


def test_status_page_costs_the_same_for_3_and_60_history_events(
    client: Client, submitted: Application, django_assert_max_num_queries: Callable
) -> None:
    client.force_login(submitted.holder.user)
    url = _status_url(submitted)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _add_history(submitted, 3)
    count()  # caches (content types, permissions) filled, as on a running server
    small = count()
    _add_history(submitted, 57)
    with django_assert_max_num_queries(25):
        large = count()
    assert small == large


# Later stages, driven through the real steps ---------------------------------------------


def test_follow_up_then_closed_dossier_reads_as_such_everywhere(
    client: Client, on_agenda: Application, mel_staff: User, financier_member: User
) -> None:
    from tests.workflows.test_award_pages import _advanced, _all_reports_sent, _post_step

    application = _advanced(client, on_agenda, mel_staff, financier_member)
    holder = application.holder.user
    html = _page(client, holder, _status_url(application))
    assert "Suivi" in _current_step(html)
    assert "Convention et versements (terminée)" in visible_text(html)
    home = visible_text(_page(client, holder, reverse("home")))
    assert "Étape : Financé : suivi du projet" in home
    assert "Prêt à candidater" not in home

    _all_reports_sent(application)
    assert (
        _post_step(client, mel_staff, application, "balance", {"action": "release"}).status_code
        == 302
    )

    html = _page(client, holder, _status_url(application))
    text = visible_text(html)
    assert 'aria-current="step"' not in html  # every step is behind
    assert "Suivi (terminée)" in text
    assert "Rien à faire : ce dossier est terminé." in text
    assert "Dossier clôturé." in text
    home = visible_text(_page(client, holder, reverse("home")))
    assert "Étape : Terminé" in home
    for url in (
        reverse("home"),
        _status_url(application),
        reverse("workflows:application_detail", args=[application.pk]),
    ):
        assert identifiers_in(visible_text(_page(client, holder, url))) == [], url


def test_after_first_contact_the_page_says_the_team_sorts_it_and_by_when(
    client: Client, roubaix: Commune
) -> None:
    from tests.workflows.conftest import applicant_of, submit_first_contact

    journey = submit_first_contact(client, roubaix)
    html = _page(
        client, applicant_of(journey), reverse("workflows:dossier_status", args=[journey.pk])
    )
    text = visible_text(html)

    assert "Premier contact" in _current_step(html)
    assert "Orientation (à venir)" in text
    assert "Rien à faire de votre côté pour l'instant." in text
    assert re.search(
        r"L'équipe de la MEL étudie votre demande pour vous orienter vers la bonne structure\. "
        r"Vous serez prévenu·e par e-mail, en principe avant le \w+ \d+\w* \w+ \d{4} \(dans \d+ jours?\)\.",
        text,
    ), text
    assert identifiers_in(text) == []


def _dossiers_of(email: str, count: int, place: Commune) -> None:
    """``count`` more dossiers of one person, each with its application waiting to be filled."""
    from workflows.application.flows import ApplicationFlow
    from workflows.journey.flows import first_contact_submit
    from workflows.journey.services import FirstContact
    from workflows.models import Journey, JourneyStage

    for i in range(count):
        contact = FirstContact(
            email=email,
            first_name="Nadia",
            last_name="Benali",
            phone="",
            title=f"Projet {Journey.objects.count() + i}",
            summary="Résumé",
            sector="food",
            stage="idea",
            needs="Conseils",
            commune=place,
        )
        journey = first_contact_submit(contact=contact).journey
        Journey.objects.filter(pk=journey.pk).update(stage=JourneyStage.READY_TO_APPLY)
        ApplicationFlow.start.run(journey=journey)


def test_applicant_home_costs_the_same_for_2_and_8_dossiers(
    client: Client, roubaix: Commune, django_assert_max_num_queries: Callable
) -> None:
    from applicants.models import Person

    email = "nadia@example.org"
    _dossiers_of(email, 2, roubaix)
    client.force_login(Person.objects.get(user__email=email).user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    count()  # caches filled, as on a running server
    small = count()
    _dossiers_of(email, 6, roubaix)
    with django_assert_max_num_queries(20):
        large = count()
    assert small == large
    text = visible_text(client.get(reverse("home")).content.decode())
    assert text.count("Étape : Candidature à compléter") == 8
    assert "8 étapes vous attendent." in text
    assert text.count("Remplir et déposer la candidature — Projet") == 5  # the first five


def test_the_committees_inner_work_stays_out_of_the_holders_history(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    committee: Organisation,
) -> None:
    from tests.workflows.stage_helpers import instruct

    schedule_session(committee, days_ahead=20)
    application = eligible_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    instruct(application, mel_staff)

    text = visible_text(_page(client, application.holder.user, _status_url(application)))

    assert "Notation ouverte" not in text
    assert "membre(s)" not in text
    assert "Note d'instruction" not in text
    assert application.events.filter(staff_only=True, message__startswith="Notation").exists()

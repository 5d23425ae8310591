"""The journey from first contact to the end of support, through HTTP, as the real personas.

Each test states a path of the issue; each asserts the process and task state and what each
persona can and cannot see.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import Organisation, User
from applicants.models import Commune
from tests.workflows.conftest import (
    act,
    applicant_of,
    make_timers_due,
    open_task,
    submit_first_contact,
)
from workflows.models import EventKind, Journey, JourneyStage, OrientationOutcome

pytestmark = pytest.mark.django_db


def _triage_to(client: Client, staff: User, journey: Journey, organisation: Organisation) -> None:
    response = act(
        client,
        staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": organisation.pk},
    )
    assert response.status_code == 302


def _accept(client: Client, member: User, journey: Journey) -> None:
    assert (
        act(client, member, open_task(journey, "orientation"), {"answer": "accept"}).status_code
        == 302
    )


def _in_support(
    client: Client, commune: Commune, staff: User, incubator: Organisation, member: User
) -> Journey:
    """A journey taken on by ``incubator``: first contact, triage, orientation accepted."""
    journey = submit_first_contact(client, commune)
    _triage_to(client, staff, journey, incubator)
    _accept(client, member, journey)
    journey.refresh_from_db()
    return journey


def test_happy_path_from_first_contact_to_ready_to_apply(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    incubator_y_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    assert journey.stage == JourneyStage.TRIAGE
    client.force_login(mel_staff)
    assert "Cantine solidaire" in client.get(reverse("workflows:inbox")).content.decode()

    _triage_to(client, mel_staff, journey, incubator_x)
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.ORIENTATION
    orientation = open_task(journey, "orientation")
    client.force_login(incubator_y_member)
    assert client.get(reverse("workflows:task", args=[orientation.pk])).status_code == 404
    client.force_login(incubator_x_member)
    assert "Cantine solidaire" in client.get(reverse("workflows:inbox")).content.decode()

    _accept(client, incubator_x_member, journey)
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.SUPPORT
    assert incubator_x_member.has_perm("applicants.change_project", journey.project)

    client.post(
        reverse("workflows:support_plan_update", args=[journey.pk]),
        {"diagnostic": "Bon potentiel.", "support_plan": "Budget, local, statuts."},
    )
    client.post(
        reverse("workflows:support_session_add", args=[journey.pk]),
        {"held_on": "2026-11-20", "duration_minutes": 90, "topic": "Budget prévisionnel"},
    )
    assert journey.support_sessions.count() == 1

    response = act(
        client,
        incubator_x_member,
        open_task(journey, "support"),
        {
            "conclusion": "ready",
            "opinion": "Projet solide, prêt à candidater.",
            "recommended_amount": "12000",
        },
    )
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.READY_TO_APPLY
    assert journey.recommended_amount == Decimal("12000")
    assert journey.status == PROCESS.DONE

    applicant = applicant_of(journey)
    client.force_login(applicant)
    page = client.get(reverse("workflows:journey_detail", args=[journey.pk])).content.decode()
    assert "prêt pour candidater" in page
    assert "Séance d&#x27;accompagnement" in page


def test_a_second_click_never_completes_a_step_twice(
    client: Client, roubaix: Commune, mel_staff: User, incubator_x: Organisation
) -> None:
    journey = submit_first_contact(client, roubaix)
    triage = open_task(journey, "triage")
    act(client, mel_staff, triage, {"decision": "orient", "organisation": incubator_x.pk})
    response = act(
        client, mel_staff, triage, {"decision": "orient", "organisation": incubator_x.pk}
    )
    assert response.status_code == 302
    assert journey.orientations.count() == 1
    assert (
        Task.objects.filter(
            process_id=journey.pk, flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
        ).count()
        == 1
    )


def test_redirected_at_triage_closes_the_journey_with_where_to_go(
    client: Client, roubaix: Commune, mel_staff: User
) -> None:
    journey = submit_first_contact(client, roubaix)
    response = act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {
            "decision": "redirect",
            "organisation": "",
            "redirect_reason": "Projet à but lucratif classique.",
            "redirect_guidance": "La CCI Grand Lille.",
        },
    )
    assert response.status_code == 302
    journey.refresh_from_db()
    assert (journey.stage, journey.status) == (JourneyStage.REDIRECTED, PROCESS.DONE)
    client.force_login(applicant_of(journey))
    assert (
        "La CCI Grand Lille."
        in client.get(reverse("workflows:journey_detail", args=[journey.pk])).content.decode()
    )


def test_triage_without_choice_or_reason_is_refused_and_nothing_changes(
    client: Client, roubaix: Commune, mel_staff: User
) -> None:
    journey = submit_first_contact(client, roubaix)
    response = act(
        client, mel_staff, open_task(journey, "triage"), {"organisation": "", "note": "à voir"}
    )
    assert response.status_code == 200
    assert "Choisissez d&#x27;orienter la personne" in response.content.decode()
    assert "à voir" in response.content.decode()  # what was typed is kept
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.TRIAGE
    assert open_task(journey, "triage").status == STATUS.NEW


def test_declined_by_an_incubator_then_reoriented_to_another(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_y: Organisation,
    incubator_x_member: User,
    incubator_y_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    _triage_to(client, mel_staff, journey, incubator_x)
    refused = act(
        client, incubator_x_member, open_task(journey, "orientation"), {"answer": "decline"}
    )
    assert "Indiquez pourquoi" in refused.content.decode()
    act(
        client,
        incubator_x_member,
        open_task(journey, "orientation"),
        {"answer": "decline", "reason": "Pas de place avant l'été."},
    )
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.TRIAGE
    assert not User.objects.get(pk=incubator_x_member.pk).has_perm(
        "workflows.view_journey", journey
    )

    _triage_to(client, mel_staff, journey, incubator_y)
    _accept(client, incubator_y_member, journey)
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.SUPPORT
    assert [o.outcome for o in journey.orientations.order_by("pk")] == [
        OrientationOutcome.DECLINED,
        OrientationOutcome.ACCEPTED,
    ]
    client.force_login(mel_staff)
    page = client.get(reverse("workflows:journey_detail", args=[journey.pk])).content.decode()
    assert "Pas de place avant l&#x27;été." in page


def test_no_answer_within_the_delay_sends_the_journey_back_to_triage(
    client: Client, roubaix: Commune, mel_staff: User, incubator_x: Organisation
) -> None:
    journey = submit_first_contact(client, roubaix)
    _triage_to(client, mel_staff, journey, incubator_x)
    assert make_timers_due(journey) >= 1
    journey.refresh_from_db()
    assert journey.stage == JourneyStage.TRIAGE
    assert journey.orientations.get().outcome == OrientationOutcome.EXPIRED
    assert open_task(journey, "triage").status == STATUS.NEW


def test_triage_past_its_deadline_alerts_the_lead_and_stays_open(
    client: Client, roubaix: Commune
) -> None:
    journey = submit_first_contact(client, roubaix)
    make_timers_due(journey)
    assert journey.events.filter(kind=EventKind.ESCALATED).count() == 1
    assert open_task(journey, "triage").status == STATUS.NEW


def test_support_abandoned_ends_the_journey_with_its_reason(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = _in_support(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    act(
        client,
        incubator_x_member,
        open_task(journey, "support"),
        {"conclusion": "abandoned", "reason": "La porteuse a trouvé un emploi."},
    )
    journey.refresh_from_db()
    assert (journey.stage, journey.status) == (JourneyStage.SUPPORT_ENDED, PROCESS.DONE)


def test_a_quiet_support_gets_a_check_in_reminder_and_goes_on(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = _in_support(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    Journey.objects.filter(pk=journey.pk).update(
        last_support_activity=journey.created.replace(year=2020)
    )
    make_timers_due(journey)
    assert journey.events.filter(kind=EventKind.SUPPORT_REMINDER).count() == 1
    assert open_task(journey, "support").status == STATUS.NEW


def test_the_applicant_can_withdraw_before_a_decision_and_access_is_withdrawn(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    _triage_to(client, mel_staff, journey, incubator_x)
    applicant = applicant_of(journey)
    client.force_login(applicant)
    response = client.post(
        reverse("workflows:withdraw", args=[journey.pk]), {"reason": "Je déménage."}
    )
    assert response.status_code == 302
    journey.refresh_from_db()
    assert (journey.stage, journey.status) == (JourneyStage.WITHDRAWN, PROCESS.CANCELED)
    assert not Task.objects.filter(
        process_id=journey.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED]
    ).exists()
    client.force_login(incubator_x_member)
    assert client.get(reverse("workflows:journey_detail", args=[journey.pk])).status_code == 404


def test_a_second_first_contact_with_the_same_email_is_linked_not_duplicated(
    client: Client, roubaix: Commune
) -> None:
    journey = submit_first_contact(client, roubaix)
    submit_first_contact(client, roubaix, title="Autre idée")
    assert Journey.objects.count() == 1
    assert journey.events.filter(kind=EventKind.DUPLICATE_CONTACT).count() == 1


def test_first_contact_errors_are_explained_and_nothing_is_lost(
    client: Client, roubaix: Commune
) -> None:
    from tests.workflows.conftest import first_contact_data

    data = first_contact_data(roubaix, email="pas-une-adresse", siret="123")
    body = client.post(reverse("workflows:first_contact"), data).content.decode()
    assert "Cantine solidaire" in body
    assert "SIRET" in body
    assert not Journey.objects.exists()


def test_other_applicants_and_other_incubators_cannot_see_a_journey(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_y_member: User,
    applicant_b: User,
    committee_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    _triage_to(client, mel_staff, journey, incubator_x)
    for user in (incubator_y_member, applicant_b, committee_member):
        client.force_login(user)
        assert client.get(reverse("workflows:journey_detail", args=[journey.pk])).status_code == 404
        assert "Cantine solidaire" not in client.get(reverse("workflows:inbox")).content.decode()


def test_each_journey_shows_on_its_diagram_and_the_flow_exports_as_bpmn(
    client: Client, roubaix: Commune, mel_staff: User, applicant_b: User
) -> None:
    journey = submit_first_contact(client, roubaix)
    client.force_login(mel_staff)
    svg = client.get(reverse("workflows:journey_chart", args=[journey.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    bpmn = client.get(reverse("workflows:flow_bpmn", args=["parcours"]))
    assert b"bpmn:definitions" in bpmn.content
    assert b"bpmn:userTask" in bpmn.content
    assert b"bpmn:boundaryEvent" in bpmn.content
    client.force_login(applicant_b)
    assert client.get(reverse("workflows:journey_chart", args=[journey.pk])).status_code == 404


def test_applicant_and_incubator_talk_on_the_dossier_with_read_status_and_private_notes(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    incubator_y_member: User,
) -> None:
    journey = _in_support(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    applicant = applicant_of(journey)

    client.force_login(applicant)
    client.post(
        reverse("workflows:message_post", args=[journey.pk]), {"body": "Quand se voit-on ?"}
    )
    client.force_login(incubator_x_member)
    first_visit = client.get(
        reverse("workflows:journey_detail", args=[journey.pk])
    ).content.decode()
    assert "Quand se voit-on ?" in first_visit
    assert "nouveau" in first_visit
    assert (
        "nouveau</span>"
        not in client.get(reverse("workflows:journey_detail", args=[journey.pk])).content.decode()
    )
    client.post(
        reverse("workflows:note_post", args=[journey.pk]), {"body": "Porteuse très motivée."}
    )

    client.force_login(applicant)
    page = client.get(reverse("workflows:journey_detail", args=[journey.pk])).content.decode()
    assert "Porteuse très motivée." not in page
    assert (
        client.post(reverse("workflows:note_post", args=[journey.pk]), {"body": "x"}).status_code
        == 403
    )
    client.force_login(incubator_y_member)
    assert (
        client.post(reverse("workflows:message_post", args=[journey.pk]), {"body": "x"}).status_code
        == 404
    )
    assert journey.messages.count() == 1


def test_the_workflow_timers_command_fires_due_deadlines(client: Client, roubaix: Commune) -> None:
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    journey = submit_first_contact(client, roubaix)
    Task.objects.filter(process_id=journey.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("workflow_timers")
    assert journey.events.filter(kind=EventKind.ESCALATED).exists()


def test_orientation_rules_suggest_an_organisation_first_and_staff_can_edit_them(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_y: Organisation,
) -> None:
    from workflows.journey.services import orientation_suggestions
    from workflows.models import OrientationRule

    rule = OrientationRule.objects.create(organisation=incubator_y, sectors="food", priority=1)
    rule.communes.add(roubaix)
    journey = submit_first_contact(client, roubaix)
    assert orientation_suggestions(journey=journey)[0] == incubator_y
    client.force_login(mel_staff)
    assert (
        client.get(reverse("admin:workflows_orientationrule_change", args=[rule.pk])).status_code
        == 200
    )


def test_the_journey_page_says_by_when_an_answer_is_expected(
    client: Client, roubaix: Commune, mel_staff: User, incubator_x: Organisation
) -> None:
    from accounts.french import long_date

    journey = submit_first_contact(client, roubaix)
    _triage_to(client, mel_staff, journey, incubator_x)
    timer = Task.objects.get(process_id=journey.pk, status=STATUS.SCHEDULED)
    client.force_login(applicant_of(journey))
    page = client.get(reverse("workflows:journey_detail", args=[journey.pk])).content.decode()
    assert "Réponse de la structure d&#x27;accompagnement attendue avant le" in page
    # Long date, "1er" on the first of a month, no line break inside the date.
    assert long_date(timer.scheduled, weekday=True) in page


def test_who_may_open_which_step(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
    steering_reader: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    triage = open_task(journey, "triage")
    client.logout()
    assert client.get(reverse("workflows:first_contact")).status_code == 200
    anonymous = client.get(reverse("workflows:task", args=[triage.pk]))
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]
    client.force_login(incubator_x_member)
    assert client.get(reverse("workflows:task", args=[triage.pk])).status_code == 404
    client.force_login(steering_reader)
    assert client.get(reverse("workflows:task", args=[triage.pk])).status_code == 404
    _triage_to(client, mel_staff, journey, incubator_x)
    orientation = open_task(journey, "orientation")
    client.force_login(mel_staff)  # sees the journey, but the answer is the incubator's
    assert client.get(reverse("workflows:task", args=[orientation.pk])).status_code == 403
    assert client.get(reverse("workflows:journey_detail", args=[journey.pk])).status_code == 200


def test_the_journey_page_costs_the_same_with_3_or_40_messages_and_events(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.journey.messaging import message_send
    from workflows.journey.services import journey_support_log_session

    journey = _in_support(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    client.force_login(incubator_x_member)
    url = reverse("workflows:journey_detail", args=[journey.pk])

    def grow(count: int) -> int:
        for i in range(count):
            message_send(journey=journey, author=journey.holder.user, body=f"Message {i}")
            journey_support_log_session(
                journey=journey,
                actor=incubator_x_member,
                held_on="2026-11-02",
                duration_minutes=30,
                topic=f"Séance {i}",
            )
        client.get(url)  # marks everything read, like a real visit
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert grow(3) == grow(37)


def test_an_applicant_with_nothing_to_do_is_told_so_on_their_home(
    client: Client, roubaix: Commune
) -> None:
    journey = submit_first_contact(client, roubaix)
    client.force_login(applicant_of(journey))
    home = client.get(reverse("home")).content.decode()
    assert "Ce qui est attendu de vous" in home
    assert "Rien en attente." in home

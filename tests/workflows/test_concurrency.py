"""Real concurrency on PostgreSQL: many people completing the same step at the same moment.

SQLite serialises writers with IMMEDIATE transactions instead of row locks, so these run on
PostgreSQL only (the truth for locking).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.exceptions import ApplicationError
from accounts.models import Organisation, User
from applicants.models import Commune
from workflows.engine import TaskNotOpen, task_perform
from workflows.journey.flows import JourneyFlow, first_contact_submit
from workflows.journey.services import FirstContact, journey_triage
from workflows.models import Journey

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

THREADS = 6


def _journey(commune: Commune) -> Journey:
    contact = FirstContact(
        email="concurrence@example.org",
        first_name="Camille",
        last_name="Martin",
        phone="",
        title="Épicerie",
        summary="Résumé",
        sector="food",
        stage="idea",
        needs="Conseils",
        commune=commune,
    )
    return first_contact_submit(contact=contact).journey


def _race(task_pk: int, user: User, organisation: Organisation) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(THREADS)

    def attempt() -> None:
        try:
            barrier.wait()
            task = Task.objects.get(pk=task_pk)
            task_perform(
                task=task,
                user=user,
                perform=lambda j: journey_triage(journey=j, actor=user, organisation=organisation),
            )
            outcomes.append("done")
        except TaskNotOpen:
            outcomes.append("refused")
        except ApplicationError as error:  # pragma: no cover - would be a test failure
            outcomes.append(f"error: {error.message}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("trial", range(5))
def test_concurrent_completions_of_one_step_succeed_exactly_once(
    mel_staff: User, incubator_x: Organisation, trial: int
) -> None:
    commune = Commune.objects.create(
        insee_code=f"5999{trial}", name="Ville", epci_siren="200093201"
    )
    journey = _journey(commune)
    triage = Task.objects.get(process_id=journey.pk, flow_task=JourneyFlow.triage)

    outcomes = _race(triage.pk, mel_staff, incubator_x)

    assert sorted(outcomes) == ["done"] + ["refused"] * (THREADS - 1)
    assert journey.orientations.count() == 1
    open_steps = Task.objects.filter(
        process_id=journey.pk, flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    assert [t.flow_task.name for t in open_steps] == ["orientation"]


def test_a_step_waiting_too_long_for_a_busy_journey_gets_a_clear_message(
    settings: object, mel_staff: User, incubator_x: Organisation
) -> None:
    settings.FLOW_LOCK_TIMEOUT_SECONDS = 0.2  # type: ignore[attr-defined]
    commune = Commune.objects.create(insee_code="59998", name="Ville", epci_siren="200093201")
    journey = _journey(commune)
    triage = Task.objects.get(process_id=journey.pk, flow_task=JourneyFlow.triage)
    holding, release = threading.Event(), threading.Event()

    def hold_the_journey() -> None:
        from django.db import transaction

        with transaction.atomic():
            Journey.objects.select_for_update().filter(pk=journey.pk).exists()
            holding.set()
            release.wait(timeout=10)
        connections.close_all()

    holder = threading.Thread(target=hold_the_journey)
    holder.start()
    holding.wait(timeout=10)
    try:
        with pytest.raises(TaskNotOpen, match="en cours de modification"):
            task_perform(
                task=triage,
                user=mel_staff,
                perform=lambda j: journey_triage(
                    journey=j, actor=mel_staff, organisation=incubator_x
                ),
            )
    finally:
        release.set()
        holder.join(timeout=10)
    assert Task.objects.get(pk=triage.pk).status == STATUS.NEW
    assert journey.orientations.count() == 0


# The join of parallel funding lines ------------------------------------------------------

CO_FINANCIERS = 3


def _dossier_awaiting_lines(client: Any, commune: Commune, staff: User, trial: int) -> Any:
    """A favourable dossier with the programme's grant and three co-financers' lines open."""
    from decimal import Decimal

    from accounts.models import OrganisationKind
    from reviewers.models import Outcome
    from reviewers.services.selection import application_instruct
    from tests.factories.accounts import make_organisation
    from tests.workflows.stage_helpers import (
        add_member,
        deliberate,
        eligible_application,
        hold_session,
        perform,
        schedule_session,
        set_grant_financier,
    )
    from workflows.models import FinancingLine

    committee = make_organisation(f"Comité {trial}", OrganisationKind.COMMITTEE)
    incubator = make_organisation(f"Incubateur {trial}", OrganisationKind.SUPPORT)
    advisor = add_member(incubator, f"conseil{trial}@incubateur.example.org")
    grant_financier = make_organisation(f"MEL financeur {trial}", OrganisationKind.FINANCIER)
    signers = [add_member(grant_financier, f"mel{trial}@financeur.example.org")]
    schedule_session(committee)
    set_grant_financier(grant_financier)
    application = eligible_application(
        client, commune, staff, incubator, advisor, email=f"porteuse{trial}@example.org"
    )
    for n in range(CO_FINANCIERS):
        bank = make_organisation(f"Cofinanceur {trial}-{n}", OrganisationKind.FINANCIER)
        signers.append(add_member(bank, f"cofi{trial}-{n}@banque.example.org"))
        FinancingLine.objects.create(
            application=application,
            financier_name=bank.name,
            organisation=bank,
            instrument="PRET_HONNEUR",
            amount=Decimal(5000),
        )
    perform(
        application,
        "instruction",
        staff,
        lambda p: application_instruct(
            application=p,
            actor=staff,
            session=application.committee_session,
            note="Une note d'instruction complète pour le comité.",
        ),
    )
    hold_session(application)
    deliberate(application, staff, Outcome.FAVOURABLE, amount=Decimal(9000))
    return application, signers


@pytest.mark.parametrize("trial", range(3))
def test_financiers_signing_at_the_same_moment_move_the_dossier_exactly_once(
    client: Any, mel_staff: User, trial: int
) -> None:
    from decimal import Decimal

    from funding.models import FundingLine
    from funding.services.lines import funding_line_decide
    from workflows.application.flows import ApplicationFlow
    from workflows.models import ApplicationStatus

    commune = Commune.objects.create(
        insee_code=f"5998{trial}", name="Ville", epci_siren="200093201", postal_codes="59100"
    )
    application, signers = _dossier_awaiting_lines(client, commune, mel_staff, trial)
    lines = list(FundingLine.objects.filter(dossier=application).order_by("-is_programme_grant"))
    assert len(lines) == CO_FINANCIERS + 1
    outcomes: list[str] = []
    barrier = threading.Barrier(len(lines))

    def sign(line_pk: int, signer: User) -> None:
        try:
            line = FundingLine.objects.get(pk=line_pk)
            task = Task.objects.get(process_id=line_pk, flow_task_type="HUMAN", status="NEW")
            barrier.wait()
            task_perform(
                task=task,
                user=signer,
                perform=lambda p: funding_line_decide(
                    line=p,
                    actor=signer,
                    grant=True,
                    amount=min(line.proposed_amount, Decimal(9000)),
                ),
            )
            outcomes.append("done")
        except Exception as error:
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=sign, args=(line.pk, signer))
        for line, signer in zip(lines, signers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == ["done"] * len(lines)
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CONVENTION
    tasks = Task.objects.filter(process_id=application.pk)
    assert tasks.filter(flow_task=ApplicationFlow.await_funding, status=STATUS.DONE).count() == 1
    assert tasks.filter(flow_task=ApplicationFlow.convention).count() == 1


def test_clicks_at_once_on_a_first_contact_link_record_one_journey(mel_staff: User) -> None:
    """The link followed from several tabs at the same instant: one journey, one project;
    the other clicks find the link used."""
    from django.test import Client
    from django.urls import reverse

    from tests.workflows.conftest import confirmation_url, first_contact_data

    commune = Commune.objects.create(insee_code="59998", name="Ville", epci_siren="200093201")
    commune.postal_codes = "59100"
    commune.save()
    Client().post(reverse("workflows:first_contact"), first_contact_data(commune))
    link = confirmation_url("nadia@example.org")
    statuses: list[str] = []
    barrier = threading.Barrier(THREADS)

    def click() -> None:
        try:
            client = Client()
            barrier.wait()
            page = client.post(link).content.decode()
            statuses.append("used" if "déjà confirmée" in page else "recorded")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == ["recorded"] + ["used"] * (THREADS - 1)
    assert Journey.objects.filter(holder__user__email="nadia@example.org").count() == 1

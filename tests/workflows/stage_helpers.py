"""Helpers for the stages after eligibility: a committee with its session, a dossier on
the agenda, and steps completed through the real engine (``task_perform``).

Tests of the pages drive the same steps over HTTP; these helpers bring a dossier to the
stage under test without repeating the earlier ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Organisation, User
from accounts.services import membership_add
from applicants.models import Commune
from funding.models import FundingLine, Programme
from funding.services.lines import funding_line_decide
from funding.services.payments import application_convention_record, tranche_release
from reviewers.models import CommitteeSession, Outcome, Scoring
from reviewers.services.sessions import committee_session_create
from tests.factories.accounts import UserFactory
from tests.workflows.application_helpers import app_task, staff_step, submitted_application
from workflows.engine import task_perform
from workflows.models import Application, ApplicationStatus

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def add_member(organisation: Organisation, email: str) -> User:
    user = UserFactory.create(email=email)
    membership_add(organisation=organisation, user=user)
    return user


def _programme_loaded() -> None:
    if not Programme.objects.filter(slug="entreprendre-autrement").exists():
        call_command("load_programme_rules", verbosity=0)


def schedule_session(committee: Organisation, *, days_ahead: int = 20) -> CommitteeSession:
    _programme_loaded()
    return committee_session_create(
        committee=committee,
        programme=Programme.objects.get(slug="entreprendre-autrement"),
        starts_at=timezone.now() + datetime.timedelta(days=days_ahead),
        place="Hôtel de la Métropole, Lille",
    )


def set_grant_financier(financier: Organisation) -> None:
    _programme_loaded()
    Programme.objects.filter(slug="entreprendre-autrement").update(grant_financier=financier)


def eligible_application(
    client: Client,
    commune: Commune,
    staff: User,
    incubator: Organisation,
    member: User,
    **kw: Any,
) -> Application:
    """A dossier declared complete then eligible by MEL staff over HTTP."""
    application = submitted_application(client, commune, staff, incubator, member, **kw)
    assert (
        staff_step(client, staff, application, "completeness", {"decision": "complete"}).status_code
        == 302
    )
    response = staff_step(client, staff, application, "eligibility", {"decision": "eligible"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.ON_AGENDA, application.stage
    return application


NOTE = "Projet solide, porté par une équipe expérimentée ; budget réaliste."


def instruct(application: Application, staff: User, *, note: str = NOTE) -> None:
    """MEL staff write the instruction note for the dossier's session: scoring opens."""
    from reviewers.services.selection import application_instruct

    session = application.committee_session
    assert session is not None
    perform(
        application,
        "instruction",
        staff,
        lambda p: application_instruct(application=p, actor=staff, session=session, note=note),
    )


def deliberate(
    application: Application,
    staff: User,
    outcome: str,
    *,
    amount: Decimal | None = None,
    reasons: str = "",
    conditions: str = "",
) -> Any:
    """MEL staff record the committee's avis on the dossier (its session must have begun)."""
    from reviewers.services.selection import application_deliberate

    return perform(
        application,
        "deliberation",
        staff,
        lambda p: application_deliberate(
            application=p,
            actor=staff,
            outcome=outcome,
            proposed_amount=amount,
            reasons=reasons,
            conditions=conditions,
        ),
    )


def perform(application: Application, node: str, user: User, action: Callable[[Any], Any]) -> Any:
    """Complete the open ``node`` of the dossier as ``user`` through the engine."""
    return task_perform(task=app_task(application, node), user=user, perform=action)


def open_task_of(process: Any) -> Task:
    return Task.objects.get(process_id=process.pk, flow_task_type="HUMAN", status__in=OPEN)


def scoring_of(application: Application, member: User) -> Scoring:
    return Scoring.objects.get(dossier=application, member=member)


def hold_session(application: Application) -> None:
    """The session of the dossier starts now (deliberations are recorded from then on)."""
    session = application.committee_session
    assert session is not None
    CommitteeSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    application.refresh_from_db()


def grant_line(application: Application, financier: Organisation) -> FundingLine:
    return FundingLine.objects.get(dossier=application, organisation=financier)


def euros(value: str) -> Decimal:
    return Decimal(value)


def fund_and_advance(
    application: Application,
    staff: User,
    financier_member: User,
    *,
    iban: str = "FR7630006000011234567890189",
    reasons: str = "",
) -> Application:
    """Through the engine: instructed, held, a favourable avis of 9 000 €, the line granted
    by the financier, bank details known, the convention recorded and the advance paid."""
    instruct(application, staff)
    hold_session(application)
    deliberate(application, staff, Outcome.FAVOURABLE, amount=Decimal(9000), reasons=reasons)
    line = FundingLine.objects.get(dossier=application)
    task_perform(
        task=open_task_of(line),
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(9000)
        ),
    )
    structure = application.project.structure
    structure.iban = iban
    structure.save()
    perform(
        application,
        "convention",
        staff,
        lambda p: application_convention_record(application=p, actor=staff, waived=True),
    )
    perform(
        application,
        "advance",
        staff,
        lambda p: tranche_release(application=p, position=1, actor=staff),
    )
    application.refresh_from_db()
    return application

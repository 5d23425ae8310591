"""Dossiers driven by the real engine to their end (funded and closed, or refused), with
the person's words everywhere a person can write them: the public form, messages, notes,
the application, the committee's reasons, the financier's motive and the reports."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.models import User
from funding.services.payments import (
    application_close,
    report_submit,
    tranche_release,
)
from reviewers.models import Outcome
from tests.workflows.stage_helpers import (
    deliberate,
    fund_and_advance,
    hold_session,
    instruct,
    perform,
)
from workflows.journey.messaging import message_send, note_add
from workflows.models import Application, ApplicationStatus

IBAN = "FR7630006000011234567890189"
# What the person typed (tests/workflows/conftest.first_contact_data) or what names them.
PERSONAL = [
    "Nadia",
    "Benali",
    "nadia@example.org",
    "06 11 22 33 44",
    "Cantine solidaire",
    "Une cantine de quartier à prix libre",
    "Trouver un local et construire mon budget",
    "73282932000074",
    IBAN,
    "Association Solidaire",
    "Projet solide.",
]


def write_everywhere(application: Application, staff: User) -> None:
    """Messages and a private note naming the person, while the dossier is open."""
    journey = application.source_journey
    holder = application.holder.user
    message_send(journey=journey, author=holder, body="Bonjour, Nadia Benali, 06 11 22 33 44.")
    note_add(journey=journey, author=staff, body="Nadia Benali a rappelé (nadia@example.org).")


def _due_timers(application: Application) -> int:
    Task.objects.filter(process_id=application.pk, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(seconds=1)
    )
    return fire_due_timers()


def fund_and_close(application: Application, staff: User, financier_member: User) -> None:
    write_everywhere(application, staff)
    fund_and_advance(
        application,
        staff,
        financier_member,
        iban=IBAN,
        reasons="Cantine solidaire, portée par Nadia Benali : un projet utile au quartier.",
    )
    holder = application.holder.user
    values = {
        "jobs_created_fte": Decimal(2),
        "still_active": True,
        "beneficiaries": 40,
        "comment": "Nadia Benali : tout va bien à la Cantine solidaire.",
    }
    for _report in range(3):
        assert _due_timers(application) >= 1
        perform(
            application,
            "report",
            holder,
            lambda p: report_submit(application=p, actor=holder, values=values),
        )
    perform(
        application,
        "balance",
        staff,
        lambda p: (
            tranche_release(application=p, position=2, actor=staff),
            application_close(application=p, actor=staff),
        ),
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.CLOSED


def refuse(application: Application, staff: User) -> None:
    write_everywhere(application, staff)
    instruct(application, staff)
    hold_session(application)
    deliberate(
        application,
        staff,
        Outcome.UNFAVOURABLE,
        reasons="Le projet de Nadia Benali (Cantine solidaire) manque d'un modèle économique.",
    )
    application.refresh_from_db()
    assert application.stage == ApplicationStatus.REJECTED, application.stage

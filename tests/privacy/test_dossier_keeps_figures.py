"""What anonymisation keeps: the plan's indicators, the decisions and their amounts, the
stage history, the QPV outcome, the equity answers; the audit chain still verifies; a
second run changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from applicants.models import Person
from audit.models import AuditRecord
from funding.models import FollowUpReport, FundingLine, Programme
from privacy.anonymise import dossier_anonymise, person_anonymise
from privacy.anonymise.texts import REDACTED, anonymous_title
from steering.indicators.compute import plan_indicators
from steering.services import standard_periods
from tests.privacy.scan import text_snapshot
from workflows.models import Application, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_cell_shown(settings: Any) -> None:
    settings.STATISTICS_MIN_CELL = 1  # otherwise one dossier's cells are all hidden


def _indicators() -> list[dict[str, Any]]:
    programme = Programme.objects.get(slug="entreprendre-autrement")
    results = []
    for period in standard_periods(today=timezone.localdate()):
        for scope in (None, programme):
            data = plan_indicators(period, programme=scope).to_json()
            data.pop("computed_at")
            results.append(data)
    return results


def _declare_equity(application: Application) -> None:
    Person.objects.filter(pk=application.holder_id).update(gender="woman", age_band="26_35")


def _anonymise(application: Application) -> tuple[bool, bool]:
    return (
        dossier_anonymise(journey=application.source_journey),
        person_anonymise(user=application.holder.user),
    )


def test_the_plan_indicators_are_identical_after_a_funded_dossier(funded: Application) -> None:
    _declare_equity(funded)
    before = _indicators()
    assert _anonymise(funded) == (True, True)
    assert _indicators() == before


def test_the_plan_indicators_are_identical_after_a_refused_dossier(refused: Application) -> None:
    _declare_equity(refused)
    before = _indicators()
    _anonymise(refused)
    assert _indicators() == before


def test_figures_decisions_and_history_stay(funded: Application) -> None:
    history = list(StageChange.objects.filter(application=funded).values_list("stage", "at"))
    lines = list(FundingLine.objects.filter(dossier=funded).values_list("state", "decided_amount"))
    reports = list(
        FollowUpReport.objects.filter(application=funded).values_list("jobs_created_fte")
    )
    qpv = funded.project.current_qpv.outcome if funded.project.current_qpv else None
    _declare_equity(funded)
    _anonymise(funded)
    funded.refresh_from_db()
    assert funded.project.title == anonymous_title(funded.source_journey_id)
    assert funded.requested_amount == Decimal(12000)
    assert funded.project.commune_id == "59512"
    assert (funded.project.current_qpv.outcome if funded.project.current_qpv else None) == qpv
    assert (
        list(StageChange.objects.filter(application=funded).values_list("stage", "at")) == history
    )
    assert (
        list(FundingLine.objects.filter(dossier=funded).values_list("state", "decided_amount"))
        == lines
    )
    assert (
        list(FollowUpReport.objects.filter(application=funded).values_list("jobs_created_fte"))
        == reports
    )
    deliberation = funded.deliberations.get()
    assert deliberation.proposed_amount == Decimal(9000)
    assert (
        deliberation.reasons == f"{REDACTED}, portée par {REDACTED} : un projet utile au quartier."
    )
    holder = Person.objects.get(pk=funded.holder_id)
    assert (holder.gender, holder.age_band) == ("woman", "26_35")
    assert not holder.user.is_active
    assert not holder.user.has_usable_password()
    assert holder.user.email == f"anonyme-{holder.pk}@anonyme.invalid"


def test_the_audit_chain_still_verifies_and_says_nothing_personal(refused: Application) -> None:
    first = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    _anonymise(refused)
    call_command("verify_audit_chain", verbosity=0)
    written = AuditRecord.objects.filter(seq__gt=first)
    assert written.exists()
    texts = " ".join(f"{r.actor_label} {r.summary} {r.after}" for r in written)
    for personal in ("Nadia", "Benali", "nadia@example.org", "Cantine"):
        assert personal not in texts


def test_a_second_run_changes_nothing(funded: Application) -> None:
    _anonymise(funded)
    texts = text_snapshot()
    records = AuditRecord.objects.count()
    assert _anonymise(funded) == (False, False)
    assert text_snapshot() == texts
    assert AuditRecord.objects.count() == records

"""Moving the house keeps every dossier: the flows moved to their stage packages and the
committee's and the money's records moved from ``workflows`` to ``reviewers`` and ``funding``.

A dossier is driven to its funding lines with today's code, the database is migrated back
to the schema before the move (``workflows`` 0009, ``reviewers`` 0001, ``funding`` 0002),
checked to be what that schema held, then migrated forward again: the same rows, the same
grants, and the open steps still work.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task

from accounts.models import User
from accounts.permissions import permission_cache_clear
from funding.flows import FundingLineFlow
from funding.models import FundingLine, LineState
from funding.services.lines import funding_line_decide
from reviewers.models import Deliberation, Outcome, Scoring
from tests.workflows.stage_helpers import deliberate, hold_session, instruct, open_task_of
from workflows.engine import task_perform
from workflows.inbox import open_tasks_for
from workflows.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [
    ("workflows", "0009_process_newest_index"),
    ("reviewers", "0001_initial"),
    ("funding", "0002_programme_grant_financier"),
]
MOVED_TABLES = ("workflows_scoring", "workflows_fundingline", "workflows_deliberation")


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    permission_cache_clear()


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _stored(table: str, columns: str, pk: int) -> tuple[Any, ...]:
    """Columns as stored (viewflow reads an unknown flow reference as ``None``)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return tuple(cursor.fetchone())


def _labels(model: str) -> list[str]:
    return sorted(ContentType.objects.filter(model=model).values_list("app_label", flat=True))


@pytest.fixture
def funded(on_agenda: Application, mel_staff: User, committee_member: User) -> Application:
    """A dossier whose committee scored and favoured it: its grant line waits for the
    financier's decision."""
    instruct(on_agenda, mel_staff)
    hold_session(on_agenda)
    deliberate(on_agenda, mel_staff, Outcome.FAVOURABLE, amount=Decimal(12000))
    on_agenda.refresh_from_db()
    assert on_agenda.stage == ApplicationStatus.FUNDING
    return on_agenda


def test_a_dossier_survives_the_move_back_and_forth_and_its_steps_still_work(
    funded: Application, financier_member: User
) -> None:
    line = FundingLine.objects.get(dossier=funded)
    decide = open_task_of(line)
    grants = GroupObjectPermission.objects.filter(object_pk=str(line.pk))
    before = {table: _rows(table) for table in MOVED_TABLES}
    granted = sorted(grants.values_list("group_id", "permission_id"))
    assert decide.owner_permission == "funding.sign_fundingline"
    assert before["workflows_scoring"] >= 1
    assert before["workflows_deliberation"] == 1

    _migrate(BEFORE_THE_MOVE)

    # What the schema before the move held: the records under ``workflows``, the flows at
    # their former paths, the step's permission under its former name; no row lost.
    assert _labels("fundingline") == ["workflows"]
    assert _labels("scoring") == ["workflows"]
    assert _stored("viewflow_process", "flow_class", line.pk) == (
        "workflows/flows_committee.FundingLineFlow",
    )
    assert _stored("viewflow_task", "flow_task, owner_permission", decide.pk) == (
        "workflows/flows_committee.FundingLineFlow.decide",
        "workflows.sign_fundingline",
    )
    assert {table: _rows(table) for table in MOVED_TABLES} == before
    # A partial ``migrate funding`` first would let post_migrate create the new label, empty.
    ContentType.objects.create(app_label="funding", model="fundingline")

    _migrate(_latest())

    assert _labels("fundingline") == ["funding"]
    assert _labels("scoring") == ["reviewers"]
    assert _labels("deliberation") == ["reviewers"]
    assert {table: _rows(table) for table in MOVED_TABLES} == before
    assert sorted(grants.values_list("group_id", "permission_id")) == granted
    assert Permission.objects.filter(
        content_type__app_label="funding", codename="sign_fundingline"
    ).exists()
    line = FundingLine.objects.get(pk=line.pk)
    assert Scoring.objects.filter(dossier=funded).count() == before["workflows_scoring"]
    assert Deliberation.objects.get(application=funded).proposed_amount == Decimal(12000)
    task = Task.objects.get(pk=decide.pk)
    assert task.flow_task is FundingLineFlow.decide
    assert task.owner_permission == "funding.sign_fundingline"
    assert financier_member.has_perm("funding.sign_fundingline", line)
    assert open_tasks_for(user=financier_member).filter(pk=task.pk).exists()

    decided: Any = task_perform(
        task=task,
        user=financier_member,
        perform=lambda p: funding_line_decide(
            line=p, actor=financier_member, grant=True, amount=Decimal(12000), reason=""
        ),
    )

    assert decided.state == LineState.GRANTED
    funded.refresh_from_db()
    assert funded.stage == ApplicationStatus.CONVENTION

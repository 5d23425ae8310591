"""One run of every retention rule: what is due is dealt with, one object per transaction,
and what was done is written down for the DPO (``RetentionRun``, one ``RetentionRuleResult``
per rule).

- **Resumable**: each rule reads what is due in batches, by primary key; an interrupted run
  leaves the objects it did not reach still due, and the next run takes them.
- **Idempotent**: an object dealt with is no longer due, so a second run finds nothing.
- **One failure is not the run's**: an object whose ``apply`` raises is logged (by kind and
  number only) and counted; the run goes on with the next one.
- **Dry run**: counts what is due and names a few objects; nothing is changed.
- **Never two at once**: a real run starts only when no other real run is alive, checked
  under a lock (PostgreSQL advisory lock; SQLite's IMMEDIATE transactions serialise writers);
  a run silent for ``STALE_AFTER`` is taken as interrupted.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from privacy.models import RetentionRuleResult, RetentionRun, RunStatus

from .rules import RULES, RetentionRule

logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock around the start of a run ("retent" in ASCII).
RETENTION_LOCK_KEY = 0x726574656E74
STALE_AFTER = datetime.timedelta(hours=1)
SAMPLE_SIZE = 5
MAX_ERRORS = 20


class RetentionRunBusy(RuntimeError):
    """Another run is in progress."""


def object_label(obj: models.Model) -> str:
    """ "Utilisateur n° 12": the kind and the number, never a name (sessions: no key)."""
    kind = str(obj._meta.verbose_name).capitalize()
    return f"{kind} n° {obj.pk}" if isinstance(obj.pk, int) else kind


def retention_run(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    batch_size: int | None = None,
    actor: User | None = None,
    rules: list[RetentionRule] | None = None,
) -> RetentionRun:
    """Run ``rules`` (every registered rule by default) as of ``now``."""
    now = now or timezone.now()
    size = batch_size or settings.RETENTION_RUN_BATCH_SIZE
    run = _run_start(now=now, dry_run=dry_run, actor=actor)
    failed = 0
    for position, rule in enumerate(rules if rules is not None else RULES):
        result = RetentionRuleResult(run=run, position=position, rule_code=rule.code)
        try:
            if dry_run:
                _simulate(rule, now, result)
            else:
                _apply_all(rule, now, size, run, result)
        except BaseException:
            # Stopped (the worker's time limit, a lost database): what was done is kept,
            # the rest is still due for the next run.
            result.save()
            _run_finish(run, RunStatus.INTERRUPTED)
            raise
        result.save()
        failed += result.failed
    _run_finish(run, RunStatus.DONE_WITH_FAILURES if failed else RunStatus.DONE)
    return run


def _run_finish(run: RetentionRun, status: RunStatus) -> None:
    run.finished_at = timezone.now()
    run.status = status
    run.save(update_fields=["finished_at", "status"])


def _run_start(*, now: datetime.datetime, dry_run: bool, actor: User | None) -> RetentionRun:
    if dry_run:  # changes nothing: may run beside anything
        return RetentionRun.objects.create(as_of=now, dry_run=True, started_by=actor)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RETENTION_LOCK_KEY])
        alive = RetentionRun.objects.filter(dry_run=False, status=RunStatus.RUNNING)
        alive.filter(heartbeat_at__lt=timezone.now() - STALE_AFTER).update(
            status=RunStatus.INTERRUPTED
        )
        if alive.exists():
            raise RetentionRunBusy("Une exécution des règles de conservation est déjà en cours.")
        return RetentionRun.objects.create(as_of=now, dry_run=False, started_by=actor)


def _simulate(rule: RetentionRule, now: datetime.datetime, result: RetentionRuleResult) -> None:
    due = rule.due(now)
    result.due = due.count()
    result.sample = [object_label(obj) for obj in due[:SAMPLE_SIZE]]


def _apply_all(
    rule: RetentionRule,
    now: datetime.datetime,
    size: int,
    run: RetentionRun,
    result: RetentionRuleResult,
) -> None:
    last: Any = None
    while True:
        due = rule.due(now)
        batch = list((due if last is None else due.filter(pk__gt=last))[:size])
        if not batch:
            return
        for obj in batch:
            result.due += 1
            _apply_one(rule, obj, result)
        last = batch[-1].pk
        RetentionRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())


def _apply_one(rule: RetentionRule, obj: Any, result: RetentionRuleResult) -> None:
    label = object_label(obj)
    try:
        with transaction.atomic():
            outcome = rule.apply(obj) or rule.outcome
    except Exception as error:
        # The object stays due: the next run tries again. Kind and number only in the log,
        # and the error's kind and place, not its message: it may name the person (a
        # refused recipient's address, a database error quoting the value).
        logger.error(
            "Retention rule %s failed on %s: %s\n%s",
            rule.code,
            label,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        result.failed += 1
        if len(result.errors) < MAX_ERRORS:
            result.errors.append({"object": label, "error": type(error).__name__})
        return
    result.done += 1
    result.outcomes[str(outcome)] = result.outcomes.get(str(outcome), 0) + 1
    if len(result.sample) < SAMPLE_SIZE:
        result.sample.append(label)

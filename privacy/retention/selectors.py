"""What the DPO's page reads: each rule in plain French with what is due now and in the
coming days, and the last runs. A fixed number of queries: two counts per rule (the rules
are a fixed list) and two for the runs, whatever the number of records."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from accounts.french import plural
from privacy.models import RetentionRuleResult, RetentionRun

from .rules import RULES, RetentionRule

SOON = datetime.timedelta(days=30)
LAST_RUNS = 10


@dataclass(frozen=True)
class RuleRow:
    rule: RetentionRule
    duration: str  # "3 ans après la dernière connexion"
    what: str  # "Suppression"
    due_now: int
    due_soon: int  # becoming due within ``SOON``


def duration_words(value: Any) -> str:
    """A duration in French words, from a number of days or a timedelta."""
    if isinstance(value, datetime.timedelta):
        seconds = int(value.total_seconds())
    else:
        seconds = int(value) * 86400
    days, rest = divmod(seconds, 86400)
    if rest == 0 and days:
        if days % 365 == 0:
            years = days // 365
            return f"{years} {plural(years, 'an', 'ans')}"
        if days % 30 == 0:
            return f"{days // 30} mois"
        return f"{days} {plural(days, 'jour', 'jours')}"
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} {plural(hours, 'heure', 'heures')}"
    minutes = max(seconds // 60, 1)
    return f"{minutes} {plural(minutes, 'minute', 'minutes')}"


def _setting_words(name: str) -> str:
    value = getattr(settings, name)
    if name.endswith("_YEARS"):
        return f"{value} {plural(value, 'an', 'ans')}"
    if name.endswith("_SECONDS"):
        value = datetime.timedelta(seconds=value)
    return duration_words(value)


def rule_duration(rule: RetentionRule) -> str:
    """ "3 ans sans connexion, moins 30 jours": ``{SETTING}`` in ``after`` is read too."""
    after = re.sub(r"\{([A-Z0-9_]+)\}", lambda m: _setting_words(m.group(1)), rule.after)
    if getattr(settings, rule.setting, None) is None:
        return after
    return f"{_setting_words(rule.setting)} {after}".strip()


def retention_overview(*, now: datetime.datetime) -> list[RuleRow]:
    rows = []
    for rule in RULES:
        due_now = rule.due(now).count()
        later = rule.due_soon(now, now + SOON) if rule.due_soon else rule.due(now + SOON)
        due_later = later.count()
        soon = due_later if rule.due_soon else max(due_later - due_now, 0)
        what = OUTCOME_WORDS.get(str(rule.outcome), (rule.outcome.label,))[0].capitalize()
        rows.append(RuleRow(rule, rule_duration(rule), what, due_now, soon))
    return rows


def retention_last_runs(*, limit: int = LAST_RUNS) -> QuerySet[RetentionRun]:
    results = RetentionRuleResult.objects.order_by("position")
    return RetentionRun.objects.prefetch_related(Prefetch("results", queryset=results))[:limit]


def rule_labels() -> dict[str, str]:
    return {rule.code: rule.label for rule in RULES}


OUTCOME_WORDS = {
    "deleted": ("suppression", "suppressions"),
    "anonymised": ("anonymisation", "anonymisations"),
    "cleared": ("effacement", "effacements"),
    "warned": ("e-mail d'avertissement", "e-mails d'avertissement"),
}


@dataclass(frozen=True)
class ResultLine:
    label: str
    text: str  # "12 suppressions, 1 anonymisation" or "3 à traiter"
    failed: int
    sample: list[str]
    failures: list[str]  # the objects that failed ("Utilisateur n° 12"), at most a few


@dataclass(frozen=True)
class RunRow:
    run: RetentionRun
    lines: list[ResultLine]

    @property
    def failed(self) -> int:
        return sum(line.failed for line in self.lines)


def run_lines(run: RetentionRun, labels: dict[str, str]) -> list[ResultLine]:
    """The rules that found something in ``run``, in plain words (prefetched results)."""
    lines = []
    for result in run.results.all():
        if not (result.due or result.done or result.failed):
            continue
        if run.dry_run:
            text = f"{result.due} à traiter"
        else:
            parts = [
                f"{count} {plural(count, *OUTCOME_WORDS.get(outcome, (outcome, outcome)))}"
                for outcome, count in sorted(result.outcomes.items())
            ]
            text = ", ".join(parts) or "rien de fait"
        label = labels.get(result.rule_code, result.rule_code)
        failures = [str(error.get("object", "")) for error in result.errors]
        lines.append(ResultLine(label, text, result.failed, list(result.sample), failures))
    return lines


def retention_history(*, limit: int = LAST_RUNS) -> list[RunRow]:
    labels = rule_labels()
    return [RunRow(run, run_lines(run, labels)) for run in retention_last_runs(limit=limit)]

"""``manage.py retention_run [--dry-run]``: run the retention rules now and print, per
rule, what was due and what was done (the nightly job does the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.retention.rules import RULES
from privacy.retention.run import RetentionRunBusy, retention_run


class Command(BaseCommand):
    help = "Applique les règles de conservation des données personnelles (ou les simule)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compter ce qui serait supprimé ou anonymisé, sans rien changer.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        try:
            run = retention_run(dry_run=dry_run)
        except RetentionRunBusy as error:
            raise CommandError(str(error)) from error
        labels = {rule.code: rule.label for rule in RULES}
        title = "Simulation (rien n'a été modifié)" if dry_run else "Exécution"
        self.stdout.write(f"{title} des règles de conservation, {run}")
        header = f"{'Règle':<60} {'À traiter':>10} {'Traités':>8} {'Échecs':>7}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for result in run.results.all():
            label = labels.get(result.rule_code, result.rule_code)[:60]
            self.stdout.write(f"{label:<60} {result.due:>10} {result.done:>8} {result.failed:>7}")
        self.stdout.write(f"Statut : {run.get_status_display()}")

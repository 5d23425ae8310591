"""``runserver`` plus the embedded scheduler (due timers, outbox relay, digests) when no
broker is configured: what ``make demo`` runs, so deadlines fire without a command by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.runserver import Command as RunserverCommand

from workflows.embedded import start_embedded_scheduler


class Command(RunserverCommand):
    help = "Serveur de développement avec les minuteries et l'envoi des notifications."

    def inner_run(self, *args: Any, **options: Any) -> None:
        # inner_run runs in the serving process (the autoreloader's child), once.
        if start_embedded_scheduler() is not None:
            self.stdout.write(
                "Minuteries des parcours et envoi des notifications : dans ce processus, "
                "chaque minute (aucun broker configuré)."
            )
        super().inner_run(*args, **options)

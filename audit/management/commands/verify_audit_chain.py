"""Walk the audit chain in order and report the first broken link.

Each record must carry ``seq`` one above the previous one, the previous record's hash as
``prev_hash``, and as ``hash`` the hash recomputed from its stored fields. Reads in chunks
(constant memory). Exits non-zero on the first broken link. The last hash printed on
success can be kept elsewhere: a journal cut short after it would then show.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_break


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal d'audit."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_break()
        if report.broken_at is not None:
            raise CommandError(
                f"Chaîne d'audit rompue à l'enregistrement n° {report.broken_at} : "
                f"{report.problem} (attendu {report.expected}, enregistré {report.stored}). "
                f"{report.checked} enregistrement(s) intact(s) avant celui-ci."
            )
        self.stdout.write(f"Chaîne d'audit intacte : {report.checked} enregistrements.")
        if report.last_hash:
            self.stdout.write(f"Dernière empreinte : {report.last_hash}")

"""``manage.py seed_demo [--scale N]``: the demo, then optionally N generated dossiers."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from applicants.models import Commune, LegalForm
from demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from demo.scale import seed_scale
from demo.seed import STAGE_GUIDE, seed_demo
from funding.models import Programme


class Command(BaseCommand):
    help = "Crée les données de démonstration et affiche les identifiants de connexion."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Nombre approximatif de dossiers ajoutés (copies de ceux de la démo).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Graine aléatoire (--scale).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Commune.objects.exists():
            call_command("load_territory", stdout=self.stdout)
        if not LegalForm.objects.exists() or not Programme.objects.exists():
            call_command("load_programme_rules", stdout=self.stdout)
        # The demo's history notifies people as it is built: keep those in the notification
        # centre, but do not print some hundred e-mails before the logins.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            logins = seed_demo()
            if options["scale"]:
                report = seed_scale(count=options["scale"], seed=options["seed"])
                self.stdout.write(
                    f"{report.dossiers} dossiers en tout sur {report.territories} territoire(s), "
                    f"{sum(report.rows.values())} lignes copiées (graine {options['seed']})."
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"\nComptes de démonstration (mot de passe commun : {DEMO_PASSWORD})"
            )
        )
        width = max(len(p) for p, _ in logins.rows)
        for persona, email in logins.rows:
            self.stdout.write(f"  {persona.ljust(width)}  {email}")
        self.stdout.write(self.style.SUCCESS("\nCe que chacun trouve après l'éligibilité"))
        emails = [f"{local}@{DEMO_DOMAIN}" for local, _ in STAGE_GUIDE]
        width = max(len(e) for e in emails)
        for email, (_local, what) in zip(emails, STAGE_GUIDE, strict=True):
            self.stdout.write(f"  {email.ljust(width)}  {what}")

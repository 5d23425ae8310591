"""French names, in the admin, for the third-party apps the project installs (their own
names are English or codes: "Axes", "Otp_Totp", "TOTP devices"). Listed in INSTALLED_APPS
instead of the bare app paths; labels, models and migrations are unchanged."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from viewflow.workflow.apps import WorkflowConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Sécurité des connexions"


class TotpConfig(TotpAppConfig):
    verbose_name = "Double authentification"

    def ready(self) -> None:
        super().ready()
        # Display names only: migrations read the model's declared options, not these.
        device = self.get_model("TOTPDevice")
        device._meta.verbose_name = "application d'authentification (code à 6 chiffres)"
        device._meta.verbose_name_plural = "applications d'authentification (codes à 6 chiffres)"


class ViewflowWorkflowConfig(WorkflowConfig):
    verbose_name = "Moteur des parcours (technique)"

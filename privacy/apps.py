from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data (RGPD) in code: retention, anonymisation and the rights of the people."""

    name = "privacy"
    verbose_name = _("Protection des données personnelles")

    def ready(self) -> None:
        from privacy.retention.registry import load_rules

        load_rules()

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data (RGPD) in code: retention, anonymisation and the rights of the people."""

    name = "privacy"
    verbose_name = _("Protection des données personnelles")

    def ready(self) -> None:
        from accounts.signals import access_granted, access_revoked

        from . import receivers
        from .checks import check_privacy_settings
        from .retention.registry import load_rules

        load_rules()
        checks.register(check_privacy_settings)
        access_granted.connect(
            receivers.organisation_access_granted, dispatch_uid="privacy.partner_grants_written"
        )
        access_revoked.connect(
            receivers.organisation_access_revoked, dispatch_uid="privacy.partner_access_ended"
        )

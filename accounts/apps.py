from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self) -> None:
        from . import receivers

        post_migrate.connect(
            receivers.sync_organisation_permissions,
            dispatch_uid="accounts.sync_organisation_permissions",
        )

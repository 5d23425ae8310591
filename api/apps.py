from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API des partenaires"

    def ready(self) -> None:
        from api import authentication  # noqa: F401  (its schema extension registers itself)
        from api.receivers import on_dossier_anonymised, on_line_decided, on_tranche_released
        from funding.signals import line_decided, tranche_released
        from privacy.signals import dossier_anonymised

        line_decided.connect(on_line_decided, dispatch_uid="api.webhooks.line_decided")
        tranche_released.connect(on_tranche_released, dispatch_uid="api.webhooks.tranche")
        dossier_anonymised.connect(on_dossier_anonymised, dispatch_uid="api.webhooks.anonymised")

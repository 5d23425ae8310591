from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Exports"

    def ready(self) -> None:
        # The organisations list belongs to accounts, the one app below this one: it cannot
        # import us, so its export is declared here. Every other list registers its own.
        from exports import organisations  # noqa: F401

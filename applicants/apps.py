from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = "Porteurs de projet"

    def ready(self) -> None:
        # The lists this app declares for export (exports' registry).
        from applicants import exports  # noqa: F401

from django.apps import AppConfig


class ReviewersConfig(AppConfig):
    name = "reviewers"
    verbose_name = "Comité de sélection"

    def ready(self) -> None:
        # The lists this app declares for export (exports' registry).
        from reviewers import exports  # noqa: F401

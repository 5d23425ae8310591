from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Parcours"

    def ready(self) -> None:
        # Import the flows at start-up so viewflow registers their nodes and the
        # permissions they add ("manage") exist when post_migrate creates permissions.
        from workflows.application import flows  # noqa: F401
        from workflows.stage_history import connect

        connect()  # the history of stages (workflows.models.history)

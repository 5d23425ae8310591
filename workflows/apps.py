from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Parcours"

    def ready(self) -> None:
        # The flows at start-up, so viewflow registers their nodes and the permissions they
        # add ("manage") exist when post_migrate creates permissions; the lists the stages
        # declare for export (exports' registry); the history of stages.
        from accounts.signals import membership_changed
        from workflows import (
            inbox_exports,  # noqa: F401
            receivers,
        )
        from workflows.application import exports as application_exports  # noqa: F401
        from workflows.application import flows  # noqa: F401
        from workflows.journey import exports as journey_exports  # noqa: F401
        from workflows.stage_history import connect

        connect()
        membership_changed.connect(
            receivers.membership_changed, dispatch_uid="workflows.membership_changed"
        )

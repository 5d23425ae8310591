from django.apps import AppConfig
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_delete, post_init, post_save


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Journal d'audit"

    def ready(self) -> None:
        from guardian.models import GroupObjectPermission, UserObjectPermission
        from viewflow.workflow.signals import task_finished

        from accounts.signals import membership_changed
        from funding.models import FundingLine
        from reviewers.models import Deliberation
        from workflows.models import Application

        from . import receivers

        task_finished.connect(receivers.flow_task_finished, dispatch_uid="audit.transition")
        # guardian's remove_perm deletes through a queryset: with a post_delete receiver
        # connected, Django loads the rows and sends post_delete for each of them.
        for model in (GroupObjectPermission, UserObjectPermission):
            post_save.connect(
                receivers.object_permission_granted,
                sender=model,
                dispatch_uid=f"audit.grant.{model.__name__}",
            )
            post_delete.connect(
                receivers.object_permission_revoked,
                sender=model,
                dispatch_uid=f"audit.revoke.{model.__name__}",
            )
        membership_changed.connect(receivers.membership_changed, dispatch_uid="audit.membership")
        post_init.connect(
            receivers.application_loaded,
            sender=Application,
            dispatch_uid="audit.application_loaded",
        )
        post_save.connect(
            receivers.application_saved, sender=Application, dispatch_uid="audit.eligibility"
        )
        post_save.connect(
            receivers.deliberation_saved, sender=Deliberation, dispatch_uid="audit.deliberation"
        )
        post_init.connect(
            receivers.funding_line_loaded,
            sender=FundingLine,
            dispatch_uid="audit.funding_line_loaded",
        )
        post_save.connect(
            receivers.funding_line_saved, sender=FundingLine, dispatch_uid="audit.funding_line"
        )
        auth_signals.user_logged_in.connect(receivers.user_logged_in, dispatch_uid="audit.login")
        auth_signals.user_login_failed.connect(
            receivers.user_login_failed, dispatch_uid="audit.login_failed"
        )
        auth_signals.user_logged_out.connect(receivers.user_logged_out, dispatch_uid="audit.logout")

"""Thin receivers: each audited signal hands over to ``audit.services``.

Connected in ``AuditConfig.ready()``. Decisions are seen as changes of a model field
between loading and saving: ``post_init`` remembers the loaded value (no query, unlike a
``pre_save`` read), and ``post_save`` compares. ``QuerySet.update()`` bypasses both.
"""

from __future__ import annotations

from typing import Any

from . import services

_LOADED_STAGE = "_audit_loaded_stage"
_LOADED_STATE = "_audit_loaded_state"


def flow_task_finished(sender: Any, process: Any, task: Any, **kwargs: Any) -> None:
    services.audit_transition(flow_class=sender, process=process, task=task)


def object_permission_granted(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        services.audit_object_permission(row=instance, granted=True)


def object_permission_revoked(sender: Any, instance: Any, **kwargs: Any) -> None:
    services.audit_object_permission(row=instance, granted=False)


def membership_changed(sender: Any, **kwargs: Any) -> None:
    services.audit_membership(
        organisation=kwargs["organisation"],
        user=kwargs["user"],
        change=kwargs["change"],
        role=kwargs["role"],
        previous_role=kwargs["previous_role"],
        by=kwargs["by"],
    )


def application_loaded(sender: Any, instance: Any, **kwargs: Any) -> None:
    setattr(instance, _LOADED_STAGE, instance.__dict__.get("stage"))


def application_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if "stage" not in instance.__dict__:
        return  # loaded without it (.only/.defer): reading it would cost a query
    before = getattr(instance, _LOADED_STAGE, None)
    setattr(instance, _LOADED_STAGE, instance.stage)
    changed = not created and before != instance.stage and not kwargs.get("raw")
    if changed and instance.stage in services.ELIGIBILITY_OUTCOMES:
        services.audit_eligibility(application=instance, before_stage=before or "")


def deliberation_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        services.audit_deliberation(deliberation=instance)


def funding_line_loaded(sender: Any, instance: Any, **kwargs: Any) -> None:
    setattr(instance, _LOADED_STATE, instance.__dict__.get("state"))


def funding_line_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if "state" not in instance.__dict__:
        return  # loaded without it (.only/.defer): reading it would cost a query
    before = getattr(instance, _LOADED_STATE, None)
    setattr(instance, _LOADED_STATE, instance.state)
    if not created and before != instance.state and not kwargs.get("raw"):
        services.audit_funding_line_decision(line=instance, before_state=before or "")


def user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.audit_login(user=user)


def user_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Only the identifier is read: Django masks the password, and it is never looked at.
    username = credentials.get("username") or credentials.get("email") or ""
    services.audit_login_failed(username=str(username))


def user_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        services.audit_logout(user=user)


def document_downloaded(sender: Any, document: Any, user: Any, **kwargs: Any) -> None:
    services.audit_download(document=document, user=user)

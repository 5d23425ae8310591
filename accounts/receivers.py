"""Thin receivers: organisation groups follow the policy after migrations; sessions note sign-in."""

from typing import Any


def sync_organisation_permissions(sender: Any, **kwargs: Any) -> None:
    from django.db import connections

    from .models import Organisation
    from .services import organisation_sync_permissions

    using = kwargs.get("using", "default")
    if Organisation._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated backwards past the organisations table
    for organisation in Organisation.objects.using(using).select_related("group"):
        organisation_sync_permissions(organisation=organisation)


def session_started(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Note when the session began and whether it must carry a second factor."""
    import time

    from .middleware import SESSION_NEEDS_OTP, SESSION_STARTED_AT, SESSION_TOUCHED_AT
    from .security import totp_confirmed_device

    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_STARTED_AT] = request.session[SESSION_TOUCHED_AT] = time.time()
    request.session[SESSION_NEEDS_OTP] = totp_confirmed_device(user) is not None

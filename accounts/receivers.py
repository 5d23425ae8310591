"""Thin receivers: keep organisation groups in line with the policy after migrations."""

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

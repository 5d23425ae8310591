"""Thin receivers: partner grants follow a withdrawn consent (``privacy.sharing``)."""

from __future__ import annotations

from typing import Any


def object_permission_written(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from .sharing import grant_written

        grant_written(row=instance)


def organisation_access_revoked(sender: Any, organisation: Any, obj: Any, **kwargs: Any) -> None:
    from .sharing import access_ended

    access_ended(group_id=organisation.group_id, obj=obj, codenames=kwargs["codenames"])

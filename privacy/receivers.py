"""Thin receivers: partner grants follow a withdrawn consent (``privacy.sharing``)."""

from __future__ import annotations

from typing import Any


def organisation_access_granted(
    sender: Any, organisation: Any, objects: Any, **kwargs: Any
) -> None:
    from .sharing import grants_written

    grants_written(organisation=organisation, objects=list(objects))


def organisation_access_revoked(sender: Any, organisation: Any, obj: Any, **kwargs: Any) -> None:
    from .sharing import access_ended

    access_ended(organisation=organisation, obj=obj, codenames=kwargs["codenames"])

"""Permission rows by name, read once per process like Django's own ContentType cache.

Grants and permission-filtered lists need permission ids; reading them on every call costs a
query each time for rows that only change when ``migrate`` runs. The cache is emptied after
each migrate (and each test database flush), which may recreate them under new ids.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from .exceptions import PolicyViolation

_BY_CONTENT_TYPE: dict[tuple[int, str], Permission] = {}
_BY_NAME: dict[str, Permission] = {}


def permission_cache_clear(**kwargs: object) -> None:
    _BY_CONTENT_TYPE.clear()
    _BY_NAME.clear()


def permission_for(content_type: ContentType, codename: str) -> Permission:
    """The permission ``codename`` of a model (all of the model's are read at once)."""
    key = (content_type.pk, codename)
    if key not in _BY_CONTENT_TYPE:
        for permission in Permission.objects.filter(content_type=content_type):
            _BY_CONTENT_TYPE[(content_type.pk, permission.codename)] = permission
    try:
        return _BY_CONTENT_TYPE[key]
    except KeyError:
        raise PolicyViolation(f"La permission « {codename} » n'existe pas.") from None


def permission_ids(names: list[str]) -> dict[str, int]:
    """Ids of permissions named ``"app_label.codename"`` (one query for those not known)."""
    missing = [name for name in names if name not in _BY_NAME]
    if missing:
        wanted = {tuple(name.split(".", 1)) for name in missing}
        apps = {app for app, _ in wanted}
        rows = Permission.objects.filter(content_type__app_label__in=apps).select_related(
            "content_type"
        )
        for permission in rows:
            name = f"{permission.content_type.app_label}.{permission.codename}"
            if (permission.content_type.app_label, permission.codename) in wanted:
                _BY_NAME[name] = permission
    return {name: _BY_NAME[name].pk for name in names if name in _BY_NAME}

"""Authentication backend answering object permissions that need no stored row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import Q

from .models import Organisation
from .policy import Persona, Scope, allows
from .selectors import owner_id, user_organisation_ids, user_personas


class ModelPermissionBackend(ModelBackend):
    """Django's ModelBackend, reading a user's model-wide permissions in one query (their
    own and their groups' together) instead of two: every page that checks a role pays it.
    """

    def get_all_permissions(self, user_obj: Any, obj: models.Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in model_wide_permissions(user_obj).values_list(
                    "content_type__app_label", "codename"
                )
            }
        return user_obj._perm_cache


def model_wide_permissions(user: Any) -> models.QuerySet[Permission]:
    """The permissions ``user`` holds model-wide, directly or through a group."""
    if user.is_superuser:
        return Permission.objects.all()
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()


class OwnershipBackend(BaseBackend):
    """Object permissions that need no stored row.

    - ``Scope.ALL``: a model-wide permission covers every object of the model (Django's
      ModelBackend answers ``False`` as soon as an object is given).
    - ``Scope.OWN``: an applicant owns their person, structures and projects through a
      foreign key, so no guardian row is written per applicant; no query for the check.
    - ``Scope.MEMBER``: members see their own organisations.
    """

    _model_backend = ModelPermissionBackend()

    def has_perm(self, user_obj: Any, perm: str, obj: models.Model | None = None) -> bool:
        if obj is None or not user_obj.is_active or user_obj.is_anonymous:
            return False
        if self._model_backend.has_perm(user_obj, perm):  # cached on the user after once
            return True
        if allows(Persona.APPLICANT, perm, Scope.OWN) and owner_id(obj) == user_obj.pk:
            return True
        if isinstance(obj, Organisation) and obj.pk in user_organisation_ids(user_obj):
            return any(allows(p, perm, Scope.MEMBER) for p in user_personas(user_obj))
        return False

"""Authentication backend answering object permissions that need no stored row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db import models

from .models import Organisation
from .policy import Persona, Scope, allows
from .selectors import owner_id, user_organisation_ids, user_personas


class OwnershipBackend(BaseBackend):
    """Grants what the policy gives owners (``Scope.OWN``) and members (``Scope.MEMBER``).

    An applicant owns their person, structures and projects through a foreign key, so no
    guardian row is written per applicant; the check costs no query for owned objects.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: models.Model | None = None) -> bool:
        if obj is None or not user_obj.is_active or user_obj.is_anonymous:
            return False
        if allows(Persona.APPLICANT, perm, Scope.OWN) and owner_id(obj) == user_obj.pk:
            return True
        if isinstance(obj, Organisation) and obj.pk in user_organisation_ids(user_obj):
            return any(allows(p, perm, Scope.MEMBER) for p in user_personas(user_obj))
        return False

"""Authentication backend answering object permissions that need no stored row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.db import models

from .models import Organisation
from .policy import Persona, Scope, allows
from .selectors import owner_id, user_organisation_ids, user_personas


class OwnershipBackend(BaseBackend):
    """Object permissions that need no stored row.

    - ``Scope.ALL``: a model-wide permission covers every object of the model (Django's
      ModelBackend answers ``False`` as soon as an object is given).
    - ``Scope.OWN``: an applicant owns their person, structures and projects through a
      foreign key, so no guardian row is written per applicant; no query for the check.
    - ``Scope.MEMBER``: members see their own organisations.
    """

    _model_backend = ModelBackend()

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

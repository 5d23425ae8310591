"""Per-object access for views: 404 when the user may not see an object, 403 when they may
see it but not perform the action. Never reveals whether a hidden object exists."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

from .selectors import AnyUser, filter_visible

M = TypeVar("M", bound=models.Model)


def get_visible_or_404(user: AnyUser, queryset: models.QuerySet[M], **lookup: object) -> M:
    try:
        return filter_visible(user, queryset).get(**lookup)
    except ObjectDoesNotExist as error:
        raise Http404("Page introuvable.") from error


def require_perm(user: AnyUser, action: str, obj: models.Model) -> None:
    opts = obj._meta
    if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}", obj):
        raise PermissionDenied("Vous n'avez pas le droit de faire cette action sur ce dossier.")

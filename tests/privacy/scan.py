"""Looking for a person's strings anywhere in the database: every text column (CharField,
TextField and their kinds) and every JSON column of every model, read back in Python so
that case, accents and JSON escapes do not hide a match."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.db import models

# Nothing is left out: the audit trail's records name people only by the keys of
# ``audit.AuditIdentity``, whose labels erasure blanks, so they are scanned like the rest.
NOT_SCANNED: set[str] = set()


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def where_found(strings: list[str]) -> list[tuple[str, str, Any]]:
    """``(model, column, primary key)`` of every value holding one of ``strings``."""
    wanted = [text.casefold() for text in strings if text]
    found = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        fields = _text_fields(model)
        if label in NOT_SCANNED or not fields:
            continue
        for row in model._default_manager.values_list("pk", *fields).iterator():
            for name, value in zip(fields, row[1:], strict=True):
                text = _as_text(value).casefold()
                if any(secret in text for secret in wanted):
                    found.append((label, name, row[0]))
    return found


def text_snapshot() -> dict[tuple[str, str, Any], str]:
    """Every text and JSON value of the database (outside ``NOT_SCANNED``), by place."""
    values = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        fields = _text_fields(model)
        if label in NOT_SCANNED or not fields:
            continue
        for row in model._default_manager.values_list("pk", *fields).iterator():
            for name, value in zip(fields, row[1:], strict=True):
                values[(label, name, row[0])] = _as_text(value)
    return values

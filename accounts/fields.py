"""Form fields shared by every app's forms (accounts is the lowest layer, so all may use it).

Every text a form accepts is bounded: ``CharField`` inputs take their ``max_length`` from the
model column; free texts (``TextField`` columns, comments, reasons) are capped at
``settings.FORM_TEXT_MAX_LENGTH`` so that a pasted novel or a hostile post is refused with a
French message instead of filling the database.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import numberformat

TOO_LONG = (
    "Ce texte est trop long : %(show_value)s caractères, pour %(limit_value)s au plus. "
    "Raccourcissez-le."
)


def _grouped(count: int) -> str:
    """``12000`` → ``"12 000"`` (narrow no-break space), whatever the locale settings."""
    return numberformat.format(count, ",", grouping=3, thousand_sep="\u202f", force_grouping=True)


class _TextLengthValidator(MaxLengthValidator):
    """Django's check, with both counts written the French way ("100 000 caractères")."""

    def __call__(self, value: Any) -> None:
        if len(value) > self.limit_value:
            raise ValidationError(
                TOO_LONG,
                code="max_length",
                params={
                    "limit_value": _grouped(self.limit_value),
                    "show_value": _grouped(len(value)),
                },
            )


class LongTextField(forms.CharField):
    """A free text in a text area, at most ``FORM_TEXT_MAX_LENGTH`` characters."""

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs["max_length"] = kwargs.get("max_length") or settings.FORM_TEXT_MAX_LENGTH
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs["error_messages"] = {"max_length": TOO_LONG, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)
        self.validators = [
            _TextLengthValidator(v.limit_value) if type(v) is MaxLengthValidator else v
            for v in self.validators
        ]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No maxlength attribute: a browser would cut a pasted text silently; the server
        # says how long it is instead, and keeps it for the person to shorten.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def bounded_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``Meta.formfield_callback`` of the project's model forms: text columns become
    ``LongTextField`` (bounded), every other column keeps Django's form field."""
    if isinstance(db_field, models.TextField) and not db_field.choices:
        kwargs.setdefault("form_class", LongTextField)
    return db_field.formfield(**kwargs)


# Longest password accepted at sign-in or creation: generous for password managers, and
# bounded so that a megabyte of "password" is refused before any hashing.
PASSWORD_MAX_LENGTH = 1024


def with_max_length(field: forms.Field, max_length: int) -> forms.CharField:
    """A copy of a field inherited from Django (a password field), bounded to ``max_length``."""
    if not isinstance(field, forms.CharField):
        raise TypeError(f"{field!r} is not a text field")
    bounded = copy.deepcopy(field)
    bounded.max_length = max_length
    bounded.validators = [*bounded.validators, MaxLengthValidator(max_length)]
    return bounded

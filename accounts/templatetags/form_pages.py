"""Template helpers for form pages: the "Erreur :" title prefix and the error summary's
targets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import template
from django.contrib import messages
from django.forms import BaseForm, BoundField
from django.forms.formsets import BaseFormSet

register = template.Library()

ERROR_TITLE_PREFIX = "Erreur\u00a0: "  # French typography: no break before the colon


def _candidates(values: Iterable[Any]) -> Iterator[Any]:
    """The context's values, and one level inside lists, tuples and dicts (pages that pass a
    form per line). ``type()`` rather than ``isinstance``: lazy context values (the user,
    the personas) must not be evaluated here, that would cost queries on every page."""
    for value in values:
        kind = type(value)
        if kind in (list, tuple):
            yield from value
        elif kind is dict:
            yield from value.values()
        else:
            yield value


def _has_errors(value: Any) -> bool:
    kind = type(value)
    if issubclass(kind, BaseForm):
        return value.is_bound and bool(value.errors)
    if issubclass(kind, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context: template.Context) -> str:
    """ "Erreur : " when a form of the page came back with errors, or an error is reported,
    so that the page title says so first (the first thing a screen reader announces after
    a failed submit)."""
    values = context.flatten().values()
    if any(_has_errors(v) for v in _candidates(values)) or _error_message(context):
        return ERROR_TITLE_PREFIX
    return ""


def _error_message(context: template.Context) -> bool:
    """A form posted to another view that came back here with an error message (the journey
    page's message and note forms). Reading the messages does not consume them: the page
    still shows them below."""
    stored = context.get("messages") or ()
    return any(m.level >= messages.ERROR for m in stored)


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id the error summary links to: the control itself, or the first choice of a
    group (radio buttons, checkboxes), which is what a click should focus."""
    if field.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.filter
def has_required_field(form: BaseForm | None) -> bool:
    """Whether the form has a required field a person fills in (to explain the marker).
    Nothing when a page includes the form template without a form (as Django's own
    template lookups are silent)."""
    if not isinstance(form, BaseForm):
        return False
    return any(f.field.required and not f.field.disabled for f in form.visible_fields())


@register.filter
def label_for_sentence(field: BoundField) -> str:
    """The field's label without its closing punctuation, to be followed by " : error" in
    the summary ("De quoi avez-vous besoin ?" gives "De quoi avez-vous besoin")."""
    return str(field.label or field.name).rstrip(" \u00a0\u202f?:.")

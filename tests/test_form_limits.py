"""Every text a form of the project accepts has a length limit (the column's, or
``FORM_TEXT_MAX_LENGTH`` for free texts), so no input can fill the database."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models

PROJECT_APPS = (
    "accounts",
    "api",
    "applicants",
    "audit",
    "documents",
    "exports",
    "funding",
    "notifications",
    "opendata",
    "privacy",
    "reviewers",
    "steering",
    "workflows",
)


def _project_form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


FORM_CLASSES = _project_form_classes()


def test_the_walk_finds_the_project_forms() -> None:
    names = {cls.__name__ for cls in FORM_CLASSES}
    assert {"FirstContactForm", "ProjectForm", "StructureForm", "MessageForm"} <= names
    assert len(FORM_CLASSES) > 30


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__qualname__)
def test_every_text_field_of_every_form_has_a_maximum_length(
    form_class: type[forms.BaseForm],
) -> None:
    unbounded = [
        name
        # Class-level fields (base_fields, set by the form metaclass on every form class).
        for name, field in getattr(form_class, "base_fields").items()  # noqa: B009
        if isinstance(field, forms.CharField) and not field.max_length
    ]
    assert unbounded == [], f"{form_class.__qualname__}: {unbounded} have no max_length"


def _model_column(form_class: type[forms.BaseForm], name: str) -> Any:
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _too_long_for_their_column(form_class: type[forms.BaseForm]) -> list[str]:
    wrong = []
    for name, field in getattr(form_class, "base_fields").items():  # noqa: B009
        column = _model_column(form_class, name)
        if not isinstance(field, forms.CharField) or not isinstance(column, models.CharField):
            continue
        if column.choices or column.max_length is None:
            continue
        if field.max_length != column.max_length:
            wrong.append(f"{name}: {field.max_length} ≠ {column.max_length}")
    return wrong


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__qualname__)
def test_every_model_form_text_field_has_its_column_s_length(
    form_class: type[forms.BaseForm],
) -> None:
    """A longer input than the column would be a database error (a 500 on PostgreSQL): the
    form refuses it first, in French, with the column's own limit."""
    assert _too_long_for_their_column(form_class) == []


def _first_contact_columns() -> dict[str, Any]:
    """Where each text of the public first-contact form lands once the link is followed
    (the form is not a model form for these: they go to the account, person, structure)."""
    from accounts.models import User
    from applicants.models import Person, Structure
    from workflows.models import PendingFirstContact

    return {
        "first_name": User._meta.get_field("first_name"),
        "last_name": User._meta.get_field("last_name"),
        "email": User._meta.get_field("email"),
        "phone": Person._meta.get_field("phone"),
        "structure_name": Structure._meta.get_field("name"),
        "pending_email": PendingFirstContact._meta.get_field("email"),
    }


def test_the_public_form_s_own_fields_have_the_length_of_the_columns_they_fill() -> None:
    from workflows.journey.forms import FirstContactForm

    fields = FirstContactForm.base_fields
    for name, column in _first_contact_columns().items():
        field = fields["email" if name == "pending_email" else name]
        assert isinstance(field, forms.CharField)
        assert field.max_length == column.max_length, name
    # The SIRET is typed with spaces (up to 40 characters) and kept only as its 14 digits,
    # which the form checks: no other length reaches the column.
    siret = fields["siret"]
    assert isinstance(siret, forms.CharField)
    assert siret.max_length == 40


def test_the_column_check_meets_the_model_forms_text_fields() -> None:
    compared = sum(
        1
        for form_class in FORM_CLASSES
        for name, field in getattr(form_class, "base_fields").items()  # noqa: B009
        if isinstance(field, forms.CharField)
        and isinstance(_model_column(form_class, name), models.CharField)
    )
    assert compared > 20

"""Every text a form of the project accepts has a length limit (the column's, or
``FORM_TEXT_MAX_LENGTH`` for free texts), so no input can fill the database."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms

PROJECT_APPS = (
    "accounts",
    "applicants",
    "audit",
    "documents",
    "funding",
    "notifications",
    "reviewers",
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

"""One rendering for every form: ``{{ form }}``, ``{{ field.as_field_group }}`` and
``{% include "includes/form.html" %}`` all go through the project's two templates, so labels,
help, errors, fieldsets and the error summary are the same on every page (RGAA chapter 11).

Django 5.2 already marks a field in error with ``aria-invalid`` and points the widget's
``aria-describedby`` at ``<id>_helptext`` and ``<id>_error``; our field template gives those
exact ids to the help and error paragraphs, so every reference names an element that exists.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class ProjectFormRenderer(TemplatesSetting):
    """Looks templates up in the project's TEMPLATES (our ``templates/`` directory first, then
    Django's widget templates through the ``django.forms`` app)."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"

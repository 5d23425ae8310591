"""URLs of the pages after a favourable avis (stages 9 to 11), in the ``workflows`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_award

urlpatterns: list[URLPattern] = [
    path(
        "financements/taches/<int:task_pk>/",
        views_award.funding_line_step,
        name="funding_line_step",
    ),
    path(
        "candidatures/<int:pk>/convention.pdf",
        views_award.convention_pdf,
        name="convention_pdf",
    ),
    path(
        "candidatures/<int:pk>/conditions-levees/",
        views_award.application_conditions_met,
        name="application_conditions_met",
    ),
]

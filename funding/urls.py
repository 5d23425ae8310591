"""URLs of the pages after a favourable avis (stages 9 to 11), in the ``workflows`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from funding import dossier_actions
from funding import views as views_award

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
    path(
        "candidatures/<int:pk>/lignes/<int:line_pk>/retrait/",
        dossier_actions.line_cancel,
        name="funding_line_cancel",
    ),
    path(
        "candidatures/<int:pk>/cloture-sans-versement/",
        dossier_actions.close_unpaid,
        name="application_close_unpaid",
    ),
    path(
        "candidatures/<int:pk>/report-de-seance/",
        dossier_actions.move_session,
        name="application_move_session",
    ),
]

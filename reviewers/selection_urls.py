"""URLs of the selection pages (stage 8), in the ``workflows`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from reviewers import selection_views as views_selection

urlpatterns: list[URLPattern] = [
    path(
        "comite/notations/<int:task_pk>/",
        views_selection.scoring_step,
        name="scoring_step",
    ),
    path("comite/seances/<int:pk>/", views_selection.session_agenda, name="session_agenda"),
    path(
        "comite/seances/<int:pk>/proces-verbal.pdf",
        views_selection.session_minutes,
        name="session_minutes",
    ),
    path(
        "comite/dossiers/<int:pk>/conflit/",
        views_selection.conflict_declare,
        name="conflict_declare",
    ),
    path(
        "candidatures/<int:pk>/courrier-decision.pdf",
        views_selection.decision_letter,
        name="decision_letter",
    ),
]

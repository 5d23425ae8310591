"""The committee's pages: its sessions (``reviewers`` namespace, under ``comite/``) and the
selection pages of a dossier (``dossier_urlpatterns``, mounted by ``workflows.urls``)."""

from django.urls import URLPattern, path

from reviewers import views

app_name = "reviewers"

urlpatterns: list[URLPattern] = [
    path("seances/", views.session_list, name="session_list"),
]

dossier_urlpatterns: list[URLPattern] = [
    path("comite/seances/<id:pk>/", views.session_agenda, name="session_agenda"),
    path(
        "comite/seances/<id:pk>/proces-verbal.pdf",
        views.session_minutes,
        name="session_minutes",
    ),
    path("comite/dossiers/<id:pk>/conflit/", views.conflict_declare, name="conflict_declare"),
    path(
        "candidatures/<id:pk>/courrier-decision.pdf",
        views.decision_letter,
        name="decision_letter",
    ),
    path(
        "candidatures/<id:pk>/report-de-seance/",
        views.move_session,
        name="application_move_session",
    ),
]

"""The Comité métropolitain's pages, under ``pilotage/comite/`` (``steering`` namespace)."""

from django.urls import URLPattern, path

from steering.comite import views

urlpatterns: list[URLPattern] = [
    path("comite/", views.meeting_list, name="comite_list"),
    path("comite/seances/<id:pk>/", views.meeting_detail, name="comite_meeting"),
    path("comite/seances/<id:pk>/rapport/", views.report_detail, name="comite_report"),
    path("comite/seances/<id:pk>/rapport.pdf", views.report_pdf, name="comite_report_pdf"),
    path(
        "comite/seances/<id:pk>/rapport/generer/",
        views.report_generate,
        name="comite_report_generate",
    ),
    path(
        "comite/seances/<id:pk>/rapport/approuver/",
        views.report_approve,
        name="comite_report_approve",
    ),
]

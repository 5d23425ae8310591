"""The application's pages: opening, filling, the staff checks, mandate, withdrawal, letter."""

from django.urls import URLPattern, path

from workflows.application import views

urlpatterns: list[URLPattern] = [
    path("parcours/<id:pk>/candidature/", views.application_open, name="application_open"),
    path("candidatures/", views.application_index, name="application_list"),
    path("candidatures/selection/", views.application_batch, name="application_batch"),
    path("candidatures/<id:pk>/", views.application_detail, name="application_detail"),
    path("candidatures/<id:pk>/remplir/", views.application_edit, name="application_edit"),
    path("candidatures/<id:pk>/mandat/", views.application_mandate, name="application_mandate"),
    path("candidatures/<id:pk>/retrait/", views.application_withdraw, name="application_withdraw"),
    path(
        "candidatures/<id:pk>/courrier-refus.pdf",
        views.application_letter,
        name="application_letter",
    ),
    path(
        "candidatures/<id:pk>/cofinancements/",
        views.financing_line_add,
        name="application_financing_add",
    ),
]

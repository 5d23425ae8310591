"""The application's pages: opening, filling, the staff checks, mandate, withdrawal, letter."""

from django.urls import URLPattern, path

from workflows.application import views

urlpatterns: list[URLPattern] = [
    path("parcours/<int:pk>/candidature/", views.application_open, name="application_open"),
    path("candidatures/", views.application_index, name="application_list"),
    path("candidatures/selection/", views.application_batch, name="application_batch"),
    path("candidatures/<int:pk>/", views.application_detail, name="application_detail"),
    path("candidatures/<int:pk>/remplir/", views.application_edit, name="application_edit"),
    path("candidatures/<int:pk>/mandat/", views.application_mandate, name="application_mandate"),
    path("candidatures/<int:pk>/retrait/", views.application_withdraw, name="application_withdraw"),
    path(
        "candidatures/<int:pk>/courrier-refus.pdf",
        views.application_letter,
        name="application_letter",
    ),
    path(
        "candidatures/<int:pk>/cofinancements/",
        views.financing_line_add,
        name="application_financing_add",
    ),
]

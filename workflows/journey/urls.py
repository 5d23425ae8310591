"""First contact, triage, orientation and support: the journey's pages."""

from django.urls import URLPattern, path

from workflows.journey import views

urlpatterns: list[URLPattern] = [
    path("premier-contact/", views.first_contact, name="first_contact"),
    path(
        "premier-contact/confirmer/<str:token>/",
        views.first_contact_confirm,
        name="first_contact_confirm",
    ),
    path("parcours/", views.journey_index, name="journey_list"),
    path("parcours/<id:pk>/", views.journey_detail, name="journey_detail"),
    path("parcours/<id:pk>/seances/", views.support_session_add, name="support_session_add"),
    path("parcours/<id:pk>/plan/", views.support_plan_update, name="support_plan_update"),
    path("parcours/<id:pk>/retrait/", views.journey_withdraw, name="withdraw"),
    path("parcours/<id:pk>/messages/", views.message_post, name="message_post"),
    path("parcours/<id:pk>/notes/", views.note_post, name="note_post"),
]

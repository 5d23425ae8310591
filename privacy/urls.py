from django.urls import path

from . import views, views_retention

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("version/<slug:notice_id>/", views.notice_version, name="notice_version"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/telecharger/", views.my_data_export, name="my_data_export"),
    path("mes-donnees/partage/", views.sharing, name="sharing"),
    path("mes-donnees/actualites/", views.newsletter, name="newsletter"),
    path("mes-donnees/ecrire-au-dpo/", views.dpo_request, name="dpo_request"),
    path("dpo/", views.dpo_search, name="dpo_search"),
    path("dpo/telecharger/", views.dpo_export, name="dpo_export"),
    path("conservation/", views_retention.retention, name="retention"),
    path("conservation/simuler/", views_retention.retention_simulate, name="retention_simulate"),
]

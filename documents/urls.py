from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("candidatures/<id:pk>/", views.application_documents, name="application"),
    path("<uuid:public_id>/telecharger/", views.document_download, name="download"),
    path("<uuid:public_id>/supprimer/", views.document_remove, name="delete"),
]

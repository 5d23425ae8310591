from django.urls import path

from . import views, views_qpv

app_name = "applicants"

urlpatterns = [
    path("mon-espace/", views.applicant_space, name="space"),
    path("mon-espace/mes-informations/", views.person_details, name="person_details"),
    path("structures/nouvelle/", views.structure_create, name="structure_create"),
    path("structures/<id:pk>/", views.structure_detail, name="structure_detail"),
    path("structures/<id:pk>/modifier/", views.structure_edit, name="structure_update"),
    path("projets/", views.project_index, name="project_list"),
    path("projets/nouveau/", views.project_create_view, name="project_create"),
    path("projets/<id:pk>/", views.project_detail, name="project_detail"),
    path("projets/<id:pk>/modifier/", views.project_edit, name="project_update"),
    path("projets/<id:pk>/qpv/", views_qpv.qpv_declaration, name="qpv_declaration"),
    path("projets/<id:pk>/qpv/verifier/", views_qpv.qpv_verification, name="qpv_verification"),
    path("equipe/qpv-a-verifier/", views_qpv.qpv_queue, name="qpv_queue"),
]

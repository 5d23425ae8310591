from django.urls import URLPattern, URLResolver, path

from exports import views

app_name = "exports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.job_list, name="jobs"),
    path("liste/<slug:name>/", views.export_list, name="export"),
    path("<uuid:pk>/telecharger/", views.job_download, name="download"),
]

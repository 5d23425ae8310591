from django.urls import URLPattern, URLResolver, path

from opendata import views

app_name = "opendata"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("subventions-<int:year>.csv", views.download, {"fmt": "csv"}, name="csv"),
    path("subventions-<int:year>.json", views.download, {"fmt": "json"}, name="json"),
]

from django.urls import URLPattern, URLResolver, path

from steering.lab.views import lab_dataset

app_name = "steering"

urlpatterns: list[URLPattern | URLResolver] = [
    path("donnees-labo/", lab_dataset, name="lab_dataset"),
]

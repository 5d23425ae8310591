from django.urls import URLPattern, URLResolver, path

from steering.comite.urls import urlpatterns as comite_urlpatterns
from steering.lab.views import lab_dataset

app_name = "steering"

urlpatterns: list[URLPattern | URLResolver] = [
    *comite_urlpatterns,
    path("donnees-labo/", lab_dataset, name="lab_dataset"),
]

from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from steering import views
from steering.comite.urls import urlpatterns as comite_urlpatterns
from steering.lab.views import lab_dataset

app_name = "steering"

urlpatterns: list[URLPattern | URLResolver] = [
    path("indicateurs/", views.indicators, name="indicators"),
    path("indicateurs/recalculer/", views.indicators_recompute, name="indicators_recompute"),
    # The former figures page: bookmarks and links land on the indicators.
    path("chiffres/", RedirectView.as_view(pattern_name="steering:indicators", permanent=True)),
    *comite_urlpatterns,
    path("donnees-labo/", lab_dataset, name="lab_dataset"),
]

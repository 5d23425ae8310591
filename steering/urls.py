from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from steering import views

app_name = "steering"

urlpatterns: list[URLPattern | URLResolver] = [
    path("indicateurs/", views.indicators, name="indicators"),
    path("indicateurs/recalculer/", views.indicators_recompute, name="indicators_recompute"),
    # The former figures page: bookmarks and links land on the indicators.
    path("chiffres/", RedirectView.as_view(pattern_name="steering:indicators", permanent=True)),
]

"""``/api/``: the schema, its docs, and version 1 of the endpoints."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("lignes-financement", views.FundingLineViewSet, basename="funding-line")
router.register("tranches", views.TrancheViewSet, basename="tranche")

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "v1/",
        include(
            (
                [
                    *router.urls,
                    path("indicateurs/", views.IndicatorsView.as_view(), name="indicators"),
                ],
                "v1",
            )
        ),
    ),
]

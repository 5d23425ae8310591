"""The award's pages (stages 9 to 11), mounted by ``workflows.urls`` in its namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from funding import views

urlpatterns: list[URLPattern] = [
    path(
        "candidatures/<id:pk>/convention.pdf",
        views.convention_pdf,
        name="convention_pdf",
    ),
    path(
        "candidatures/<id:pk>/conditions-levees/",
        views.application_conditions_met,
        name="application_conditions_met",
    ),
    path(
        "candidatures/<id:pk>/lignes/<id:line_pk>/retrait/",
        views.line_cancel,
        name="funding_line_cancel",
    ),
    path(
        "candidatures/<id:pk>/coordonnees-bancaires/",
        views.bank_details_page,
        name="bank_details",
    ),
    path(
        "candidatures/<id:pk>/coordonnees-bancaires/demande/",
        views.bank_details_request,
        name="bank_details_request",
    ),
    path(
        "candidatures/<id:pk>/cloture-sans-versement/",
        views.close_unpaid,
        name="application_close_unpaid",
    ),
]

"""URL map: public landing, accounts, applicants' and partners' pages, committee, admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from workflows.views import home

admin.site.site_header = "Entreprendre Autrement — administration"
admin.site.site_title = "Administration"
admin.site.index_title = "Paramétrage du programme"

urlpatterns = [
    path("", home, name="home"),
    path("", include("workflows.urls")),
    path("compte/", include("accounts.urls")),
    path("", include("applicants.urls")),
    path("comite/", include("reviewers.urls")),
    path("notifications/", include("notifications.urls")),
    path("documents/", include("documents.urls")),
    path("pilotage/", include("steering.urls")),
    path("exports/", include("exports.urls")),
    path("donnees-ouvertes/", include("opendata.urls")),
    path("donnees-personnelles/", include("privacy.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
]

handler400 = "workflows.errors.bad_request"
handler403 = "workflows.errors.forbidden"
handler404 = "workflows.errors.not_found"
handler500 = "workflows.errors.server_error"

"""The dossier's pages in the ``workflows`` namespace: the engine's own (inbox, one page per
step, diagrams, figures) and each stage's, in the order of the journey."""

from django.urls import path

from funding import urls as award_urls
from reviewers import urls as selection_urls
from workflows import charts, routing, views
from workflows.application import urls as application_urls
from workflows.journey import urls as journey_urls
from workflows.status import views as status_views

app_name = "workflows"

urlpatterns = [
    path("taches/", views.inbox, name="inbox"),
    path("taches/<id:task_pk>/", routing.task_page, name="task"),
    path("mon-dossier/<id:pk>/", status_views.dossier_status, name="dossier_status"),
    path("parcours/<id:pk>/schema.svg", charts.journey_chart, name="journey_chart"),
    path("candidatures/<id:pk>/schema.svg", charts.application_chart, name="application_chart"),
    path("schemas/<slug:name>.bpmn", charts.flow_bpmn, name="flow_bpmn"),
    *journey_urls.urlpatterns,
    *application_urls.urlpatterns,
    *selection_urls.dossier_urlpatterns,
    *award_urls.urlpatterns,
]

from django.urls import path

from . import views, views_chart, views_tasks

app_name = "workflows"

urlpatterns = [
    path("premier-contact/", views_tasks.first_contact, name="first_contact"),
    path("taches/", views_tasks.inbox, name="inbox"),
    path("taches/<int:task_pk>/", views_tasks.task_page, name="task"),
    path("parcours/", views_tasks.journey_index, name="journey_list"),
    path("candidatures/", views_tasks.application_index, name="application_list"),
    path("parcours/<int:pk>/", views_tasks.journey_detail, name="journey_detail"),
    path("parcours/<int:pk>/seances/", views_tasks.support_session_add, name="support_session_add"),
    path("parcours/<int:pk>/plan/", views_tasks.support_plan_update, name="support_plan_update"),
    path("parcours/<int:pk>/retrait/", views_tasks.journey_withdraw, name="withdraw"),
    path("parcours/<int:pk>/messages/", views_tasks.message_post, name="message_post"),
    path("parcours/<int:pk>/notes/", views_tasks.note_post, name="note_post"),
    path("parcours/<int:pk>/schema.svg", views_chart.journey_chart, name="journey_chart"),
    path(
        "candidatures/<int:pk>/schema.svg", views_chart.application_chart, name="application_chart"
    ),
    path("schemas/<slug:name>.bpmn", views_chart.flow_bpmn, name="flow_bpmn"),
    path("pilotage/chiffres/", views.statistics, name="statistics"),
]

from . import views_application  # noqa: E402

urlpatterns += [
    path(
        "parcours/<int:pk>/candidature/",
        views_application.application_open,
        name="application_open",
    ),
    path("candidatures/<int:pk>/", views_application.application_detail, name="application_detail"),
    path(
        "candidatures/<int:pk>/remplir/",
        views_application.application_edit,
        name="application_edit",
    ),
    path(
        "candidatures/<int:pk>/mandat/",
        views_application.application_mandate,
        name="application_mandate",
    ),
    path(
        "candidatures/<int:pk>/retrait/",
        views_application.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "candidatures/<int:pk>/courrier-refus.pdf",
        views_application.application_letter,
        name="application_letter",
    ),
    path(
        "candidatures/<int:pk>/cofinancements/",
        views_application.financing_line_add,
        name="application_financing_add",
    ),
    path(
        "candidatures/taches/<int:task_pk>/",
        views_application.application_step,
        name="application_step",
    ),
]

from . import urls_award, urls_selection  # noqa: E402

urlpatterns += urls_selection.urlpatterns + urls_award.urlpatterns

from . import views_dossier_actions  # noqa: E402

urlpatterns += [
    path(
        "candidatures/<int:pk>/lignes/<int:line_pk>/retrait/",
        views_dossier_actions.line_cancel,
        name="funding_line_cancel",
    ),
    path(
        "candidatures/<int:pk>/cloture-sans-versement/",
        views_dossier_actions.close_unpaid,
        name="application_close_unpaid",
    ),
    path(
        "candidatures/<int:pk>/report-de-seance/",
        views_dossier_actions.move_session,
        name="application_move_session",
    ),
]

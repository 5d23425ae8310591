from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<id:pk>/ouvrir/", views.notification_open, name="open"),
    path("tout-lu/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<id:pk>/renvoyer/", views.notification_resend, name="resend"),
]

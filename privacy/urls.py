from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("conservation/", views.retention, name="retention"),
    path("conservation/simuler/", views.retention_simulate, name="retention_simulate"),
]

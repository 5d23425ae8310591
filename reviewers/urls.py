from django.urls import path

from reviewers import views

app_name = "reviewers"

urlpatterns = [
    path("seances/", views.session_list, name="session_list"),
]

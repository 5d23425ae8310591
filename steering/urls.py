from django.urls import URLPattern, URLResolver

app_name = "steering"

urlpatterns: list[URLPattern | URLResolver] = []

from django.urls import URLPattern, URLResolver

from steering.comite.urls import urlpatterns as comite_urlpatterns

app_name = "steering"

urlpatterns: list[URLPattern | URLResolver] = [*comite_urlpatterns]

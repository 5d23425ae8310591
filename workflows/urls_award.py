"""URLs of the pages after a favourable avis (stages 9 to 11), in the ``workflows`` namespace."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

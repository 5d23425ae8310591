"""URLs of the selection pages (stage 8), in the ``workflows`` namespace."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

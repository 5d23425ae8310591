"""Pages of a stable order (each list orders by a unique key) and a bounded size."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    page_size_query_param = "taille"
    page_size_query_description = "Nombre d'éléments par page (au plus 200 par défaut)."
    page_query_description = "Numéro de la page (à partir de 1)."
    invalid_page_message = "Cette page n'existe pas."

    @property
    def max_page_size(self) -> int:
        return int(settings.API_MAX_PAGE_SIZE)

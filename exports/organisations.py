"""The organisations list's export (``accounts:organisation_list``)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from accounts.filters import OrganisationFilter
from accounts.listing import ListFilter
from accounts.models import Organisation
from accounts.selectors import filter_visible
from exports.registry import Column, ListExport, ListRequest, register


def _filterset(user: Any, query: QueryDict, request: ListRequest) -> ListFilter:
    # As accounts.views.organisation_list builds it.
    organisations = filter_visible(user, Organisation.objects.order_by("kind", "name"))
    return OrganisationFilter(query, queryset=organisations, request=request)


register(
    ListExport(
        name="organisations",
        title="Organisations",
        noun=("organisation", "organisations"),
        page="accounts:organisation_list",
        filterset=_filterset,
        columns=(
            Column("Nom", lambda o: o.name, width=40),
            Column("Type", lambda o: o.get_kind_display()),
            Column("Active", lambda o: "Oui" if o.is_active else "Non", width=8),
            Column("E-mail de contact", lambda o: o.email, width=32),
            Column("Téléphone", lambda o: o.phone, width=16),
            Column("Adresse", lambda o: o.address, width=40),
            Column("Site web", lambda o: o.website, width=32),
        ),
    )
)

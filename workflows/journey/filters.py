"""The journeys list's filters and sort keys."""

from __future__ import annotations

import django_filters

from workflows.dossier_filters import DossierFilter
from workflows.models import JourneyStage


class JourneyFilter(DossierFilter):
    SORTS = {
        "date": ("Date du premier contact", ("created",)),
        "nom": ("Projet", ("title_key",)),
        "porteur": ("Porteur·se", ("last_name_key", "first_name_key")),
        "echeance": ("Échéance", ("deadline",)),
    }

    etape = django_filters.ChoiceFilter(
        choices=JourneyStage.choices,
        field_name="stage",
        label="Étape",
        empty_label="Toutes les étapes",
    )

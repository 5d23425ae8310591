"""Territory rules: MEL communes and QPV determination (being written)."""

from __future__ import annotations

from applicants.models import Commune


def outside_mel_message(commune: Commune) -> str:
    return (
        f"{commune.name} ne fait pas partie de la Métropole Européenne de Lille : "
        "l'appel à projets « Entreprendre Autrement » est réservé aux activités situées "
        "dans l'une des 95 communes de la MEL."
    )

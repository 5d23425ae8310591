"""The MEL-commune check and the territory selectors."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.exceptions import ApplicationError
from applicants.models import QpvArea
from applicants.selectors.territory import mel_communes, perimeters_loaded, qpv_areas_for_commune
from applicants.services.territory import commune_require_in_mel, outside_mel_message
from tests.factories.applicants import commune


def test_a_mel_commune_is_accepted(db: None) -> None:
    commune_require_in_mel(commune=commune("59512", "Roubaix"))


def test_a_commune_outside_the_mel_is_refused_with_a_friendly_message(db: None) -> None:
    lens = commune("62498", "Lens", mel=False)

    with pytest.raises(ApplicationError) as refused:
        commune_require_in_mel(commune=lens)

    assert refused.value.field == "commune"
    assert refused.value.message.startswith(
        "Lens ne fait pas partie de la Métropole Européenne de Lille"
    )
    assert "Entreprendre Autrement" in refused.value.message


def test_the_outside_mel_message_says_where_to_go_instead(db: None, settings: Any) -> None:
    settings.OUTSIDE_MEL_HELP = "Contactez votre intercommunalité."

    message = outside_mel_message(commune("62498", "Lens", mel=False))

    assert message.endswith("Contactez votre intercommunalité.")


def test_the_outside_mel_message_stands_alone_without_help_text(db: None, settings: Any) -> None:
    settings.OUTSIDE_MEL_HELP = ""

    message = outside_mel_message(commune("62498", "Lens", mel=False))

    assert message.endswith("l'une des communes de la MEL.")


def test_the_outside_mel_message_also_works_without_a_known_commune() -> None:
    assert outside_mel_message(None).startswith(
        "Cette commune ne fait pas partie de la Métropole Européenne de Lille"
    )


def test_mel_communes_lists_only_members_by_name(db: None) -> None:
    commune("59599", "Tourcoing")
    commune("59009", "Villeneuve-d'Ascq")
    commune("62498", "Lens", mel=False)

    assert [c.name for c in mel_communes()] == ["Tourcoing", "Villeneuve-d'Ascq"]


def test_qpv_areas_for_commune_gives_the_commune_s_qpv_of_one_generation(db: None) -> None:
    roubaix, tourcoing = commune("59512", "Roubaix"), commune("59599", "Tourcoing")
    nouveau_roubaix = QpvArea.objects.create(
        code="QN05981M", name="Nouveau Roubaix", generation=2024
    )
    shared = QpvArea.objects.create(code="QN05980M", name="Blanc Seau", generation=2024)
    old = QpvArea.objects.create(code="QP059001", name="Ancien", generation=2015)
    bourgogne = QpvArea.objects.create(code="QN05985M", name="La Bourgogne", generation=2024)
    nouveau_roubaix.communes.add(roubaix)
    shared.communes.add(roubaix, tourcoing)
    old.communes.add(roubaix)
    bourgogne.communes.add(tourcoing)

    assert list(qpv_areas_for_commune(commune=roubaix, generation=2024)) == [
        shared,
        nouveau_roubaix,
    ]


def test_perimeters_loaded_only_counts_the_generation_asked(db: None) -> None:
    QpvArea.objects.create(code="QN05981M", name="Sans périmètre", generation=2024)
    # A made-up triangle, not a real perimeter.
    triangle = {
        "type": "Polygon",
        "coordinates": [[[3.0, 50.0], [3.1, 50.0], [3.0, 50.1], [3.0, 50.0]]],
    }
    QpvArea.objects.create(code="QP059001", name="Ancien", generation=2015, perimeter=triangle)

    assert (perimeters_loaded(2024), perimeters_loaded(2015)) == (False, True)

"""The identifier scan the browser tests run on every non-staff page."""

from __future__ import annotations

from tests.support.identifiers import find_identifiers


def test_field_names_object_labels_and_group_slugs_are_found() -> None:
    text = (
        "Modifications : doc_kbis, charges_total. "
        "Accès donné (view_project) à org:incubateur-x sur applicants.project:18."
    )

    assert find_identifiers(text) == [
        "doc_kbis",
        "charges_total",
        "view_project",
        "org:incubateur-x",
        "applicants.project:18",
    ]


def test_values_leaked_from_the_code_are_found_once_each() -> None:
    assert find_identifiers("Montant : None. Signé : True. Montant : None (pk 4)") == [
        "None",
        "True",
        "pk",
    ]


def test_plain_french_addresses_and_dates_are_not_identifiers() -> None:
    text = (
        "Votre candidature est complète : prochaine étape, le comité du mardi 24 mars 2027 "
        "à 14 h 30. Écrivez à nadia_benali@example.org ou voyez https://www.lillemetropole.fr/a_b. "
        "Montant : 12 000 €. Aujourd'hui, c'est-à-dire l'étape « Comité »."
    )

    assert find_identifiers(text) == []

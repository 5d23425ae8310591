"""The identifier scan the test-client pages and the browser tests run on every non-staff
page: what belongs to the code is found, plain French (with addresses and the person's own
file names) is not."""

from __future__ import annotations

from tests.support.identifiers import identifiers_in, visible_text


def test_field_names_record_references_permissions_and_group_slugs_are_found() -> None:
    text = (
        "Modifications : doc_kbis, charges_total. "
        "Accès donné (applicants.view_project) à org:incubateur-x sur applicants.project:18."
    )

    assert identifiers_in(text) == [
        "snake_case: doc_kbis",
        "snake_case: charges_total",
        "permission: applicants.view_project",
        "group slug: org:incubateur-x",
        "record reference: applicants.project:18",
    ]


def test_values_leaked_from_the_code_are_found() -> None:
    assert identifiers_in("Montant : None. Signé : True. (pk 4)") == [
        "code value: None",
        "code value: True",
        "code value: pk",
    ]


def test_plain_french_addresses_and_file_names_are_not_identifiers() -> None:
    text = (
        "Votre candidature est complète : prochaine étape, le comité du mardi 24 mars 2027 "
        "à 14 h 30. Écrivez à nadia_benali@example.org ou voyez https://www.lillemetropole.fr/a_b. "
        "« budget_previsionnel_2027.pdf » est déposé. Montant : 12 000 €. Aujourd'hui, "
        "c'est-à-dire l'étape « Comité »."
    )

    assert identifiers_in(text) == []


def test_the_text_read_includes_spoken_attributes_not_scripts() -> None:
    html = (
        '<p>Bonjour</p><img alt="doc_kbis"><script>var snake_case = 1;</script>'
        '<input type="submit" value="Envoyer">'
    )

    assert visible_text(html) == "Bonjour doc_kbis Envoyer"

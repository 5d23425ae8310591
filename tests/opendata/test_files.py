"""Every file the MEL publishes is valid against the SCDL « Subventions » schema in force
(frictionless, 0 errors), and holds exactly the grants the law asks for."""

from __future__ import annotations

import csv
import datetime
import io
import json
import tempfile
from pathlib import Path

import pytest
from stdnum.fr import siret

from opendata import selectors, writers
from tests.opendata.grants import Grants, errors, validate_csv, validate_json

pytestmark = pytest.mark.django_db

D = datetime.date


def _csv(year: int) -> bytes:
    return b"".join(writers.scdl_csv(selectors.grant_rows(year)))


def _json(year: int) -> bytes:
    return b"".join(writers.scdl_json(selectors.grant_rows(year)))


def _records(year: int) -> list[dict[str, str]]:
    """The rows of the year's CSV, once the file has passed the schema (every file the
    tests make is validated, not only those of the validation tests)."""
    content = _csv(year)
    with tempfile.TemporaryDirectory() as folder:
        report = validate_csv(content, Path(folder))
    assert report.valid, errors(report)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _assert_valid(year: int, tmp_path: Path) -> tuple[int, int]:
    """Both files of the year pass the schema, and its checks frictionless leaves to
    Validata (SIRET checksums, a SIRET or an RNA on each row); returns the row counts."""
    csv_report = validate_csv(_csv(year), tmp_path)
    assert csv_report.valid, errors(csv_report)
    data = json.loads(_json(year))
    if data:
        json_report = validate_json(_json(year))
        assert json_report.valid, errors(json_report)
    for record in _records(year):
        assert siret.is_valid(record["idAttribuant"])
        assert siret.is_valid(record["idBeneficiaire"]) or record["rnaBeneficiaire"]
    return len(_records(year)), len(data)


def test_a_year_of_several_agreements_gives_csv_and_json_files_valid_against_the_schema(
    grants: Grants, tmp_path: Path
) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4))
    grants.make(
        "27500.55",
        signed_on=D(2025, 6, 1),
        tranches=[("19250.39", D(2025, 6, 20)), ("8250.16", D(2026, 1, 15))],
    )
    grants.make(
        "24000.10",
        signed_on=D(2025, 9, 9),
        structure=grants.structure(form="scic", name="SCIC Les Trois Rivières, « bio »"),
        tranches=[("16800.07", D(2025, 10, 1)), ("7200.03", None)],
    )
    grants.make(
        "29999.99",
        signed_on=D(2025, 11, 30),
        structure=grants.structure(rna="W595012345", name='Association "Le Lien"'),
    )
    assert _assert_valid(2025, tmp_path) == (4, 4)


def test_the_validation_catches_a_file_that_breaks_the_schema(
    grants: Grants, tmp_path: Path
) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4))
    broken = _csv(2025).replace(b"30000.00", b"30 000 EUR").replace(b",non,", b",false,")
    report = validate_csv(broken, tmp_path)
    assert {e[2] for e in errors(report)} == {"type-error"}
    assert {e[1] for e in errors(report)} == {"montant", "notificationUE"}


def test_a_year_without_agreements_gives_a_header_only_file_valid_against_the_schema(
    grants: Grants, tmp_path: Path
) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4))
    assert _assert_valid(2019, tmp_path) == (0, 0)
    assert _csv(2019).decode() == ",".join(writers.field_names()) + "\r\n"
    assert json.loads(_json(2019)) == []


def test_the_csv_is_utf8_comma_separated_with_the_schema_columns_in_order(
    grants: Grants,
) -> None:
    grants.make("25000", signed_on=D(2025, 3, 4))
    content = _csv(2025)
    assert not content.startswith(b"\xef\xbb\xbf")  # no BOM
    header = content.decode("utf-8").splitlines()[0].split(",")
    assert header == [f["name"] for f in writers.schema()["fields"]]
    assert writers.schema()["version"] == "2.1.1"
    assert "aide en numéraire" in content.decode("utf-8")


def test_a_grant_of_exactly_23000_is_not_published_and_one_of_23000_01_is(
    grants: Grants,
) -> None:
    grants.make("23000.00", signed_on=D(2025, 3, 4))
    grants.make("23000.01", signed_on=D(2025, 3, 5))
    assert [r["montant"] for r in _records(2025)] == ["23000.01"]


def test_the_threshold_is_a_setting(grants: Grants, settings: pytest.FixtureRequest) -> None:
    grants.make("23500", signed_on=D(2025, 3, 4))
    settings.OPEN_DATA_GRANT_THRESHOLD = 24000  # type: ignore[attr-defined]
    assert _records(2025) == []


def test_a_natural_person_is_never_published(grants: Grants) -> None:
    # A project carried by a person alone, a structure not yet created (no SIRET), a sole
    # trader's legal form added in the admin, even with a SIRET: none is a legal person.
    grants.make("30000", signed_on=D(2025, 3, 4), without_structure=True)
    grants.make("30000", signed_on=D(2025, 3, 4), structure=grants.structure(
        form="not_created", siret="", name="Jeanne Dupontel"))  # fmt: skip
    grants.make("30000", signed_on=D(2025, 3, 4), structure=grants.structure(
        form="entreprise_individuelle", name="Jeanne Dupontel EI"))  # fmt: skip
    grants.make("30000", signed_on=D(2025, 3, 4), structure=grants.structure(
        form="association", siret="", name="Association sans SIRET"))  # fmt: skip
    assert _records(2025) == []


@pytest.mark.parametrize("state", ["pending", "awaiting_second", "declined", "cancelled"])
def test_a_line_not_granted_is_not_published(grants: Grants, state: str) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4), state=state)
    assert _records(2025) == []


def test_a_co_financier_line_and_a_grant_without_convention_are_not_published(
    grants: Grants,
) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4), programme_grant=False)
    grants.make("30000", signed_on=D(2025, 3, 4), convention=False)
    assert _records(2025) == []


def test_a_dossier_closed_before_any_payment_is_not_published_one_closed_after_is(
    grants: Grants,
) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4), stage="closed")
    grants.make(
        "31000", signed_on=D(2025, 3, 4), stage="closed", tranches=[("31000", D(2025, 4, 1))]
    )
    assert [r["montant"] for r in _records(2025)] == ["31000.00"]


def test_no_personal_data_of_the_person_behind_the_structure_reaches_the_files(
    grants: Grants,
) -> None:
    structure = grants.structure(
        email="jeanne.dupontel@example.org",
        first_name="Jeanne",
        last_name="Dupontel",
        name="Les Jardins Partagés",
        address="12 rue des Lilas",
    )
    grants.make("30000", signed_on=D(2025, 3, 4), structure=structure,
                title="Le potager de Jeanne Dupontel")  # fmt: skip
    for content in (_csv(2025), _json(2025)):
        text = content.decode("utf-8").lower()
        assert "les jardins partagés" in text
        for personal in ("dupontel", "jeanne", "@", "lilas", "06 12 34 56 78"):
            assert personal not in text, personal


def test_the_file_of_a_year_holds_the_conventions_concluded_that_year(grants: Grants) -> None:
    # Concluded on the later signature: the MEL signs on 2 January 2026, so 2026.
    grants.make("30000", signed_on=D(2026, 1, 2))
    assert _records(2025) == []
    (row,) = _records(2026)
    assert row["dateConvention"] == "2026-01-02"


def test_a_notification_instead_of_a_convention_is_dated_by_the_mels_decision(
    grants: Grants,
) -> None:
    # Only possible under the convention threshold: seen here with a lower publication one.
    line = grants.make("30000", signed_on=D(2025, 3, 4), waived=True)
    assert line.first_signed_at is not None
    (row,) = _records(2025)
    assert row["dateConvention"] == "2025-03-04"


def test_payments_say_unique_or_staggered_and_their_dates_or_planned_period(
    grants: Grants,
) -> None:
    grants.make("30000", signed_on=D(2025, 1, 10), tranches=[("30000", D(2025, 2, 3))])
    grants.make("30001", signed_on=D(2025, 1, 11),
                tranches=[("21000", D(2025, 2, 3)), ("9001", D(2025, 12, 1))])  # fmt: skip
    grants.make("30002", signed_on=D(2025, 1, 12),
                tranches=[("21000", D(2025, 2, 4)), ("9002", None)])  # fmt: skip
    grants.make("30003", signed_on=D(2025, 1, 13), tranches=[("21000", None), ("9003", None)])
    rows = {r["montant"]: r for r in _records(2025)}
    assert rows["30000.00"]["conditionsVersement"] == "unique"
    assert rows["30000.00"]["datesPeriodeVersement"] == "2025-02-03"
    assert rows["30001.00"]["conditionsVersement"] == "échelonné"
    assert rows["30001.00"]["datesPeriodeVersement"] == "2025-02-03/2025-12-01"
    # Still to come: from the first payment to the last follow-up report (36 months).
    assert rows["30002.00"]["datesPeriodeVersement"] == "2025-02-04/2028-01-12"
    assert rows["30003.00"]["datesPeriodeVersement"] == "2025-01-13/2028-01-13"


def test_the_row_names_the_mel_the_decision_and_the_whole_grant_for_one_beneficiary(
    grants: Grants, settings: pytest.FixtureRequest
) -> None:
    grants.make("30000", signed_on=D(2025, 3, 4), budget="60000",
                structure=grants.structure(rna="W595012345"))  # fmt: skip
    grants.make("30000", signed_on=D(2025, 3, 4),
                structure=grants.structure(form="company_esus", rna="W595012346"))  # fmt: skip
    association, company = _records(2025)
    assert association["nomAttribuant"] == "Métropole Européenne de Lille"
    assert association["idAttribuant"] == "20009320100016"
    assert association["referenceDecision"].startswith("Délibération n° ")
    assert association["objet"] == (
        "Entreprendre Autrement avec La MEL : subvention de fonctionnement, volet démarrage"
    )
    assert association["nature"] == "aide en numéraire"
    assert association["notificationUE"] == "non"
    assert association["idRAE"] == ""
    assert association["dispositifAide"] == "Entreprendre Autrement avec La MEL"
    # The schema's share is the beneficiary's part of the grant, not of the project's budget.
    assert association["pourcentageSubvention"] == "1.00"
    assert association["rnaBeneficiaire"] == "W595012345"
    assert company["rnaBeneficiaire"] == ""  # an RNA only for an association

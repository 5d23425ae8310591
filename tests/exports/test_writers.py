"""The files themselves: CSV (BOM, ';', CRLF, French numbers on request, dd/mm/yyyy) and
XLSX (typed cells read back with openpyxl), and formulas never run in either."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from exports.cells import number_text, safe_text
from exports.registry import Column, Kind
from exports.writers import BOM, csv_lines, write_xlsx

COLUMNS = (
    Column("Projet", lambda row: row[0]),
    Column("Montant demandé", lambda row: row[1], Kind.MONEY),
    Column("Emplois (ETP)", lambda row: row[2], Kind.NUMBER),
    Column("Déposée le", lambda row: row[3], Kind.DATE),
)
DANGEROUS = [
    '=HYPERLINK("http://evil.example","clic")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTab",
    "\r=1",
]


def _rows() -> list[list[Any]]:
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)  # 1 January in Lille
    return [
        [
            "Épicerie « solidaire »; Roubaix",
            Decimal("12000.50"),
            Decimal("2.5"),
            datetime.date(2026, 3, 1),
        ],
        ["Remboursement", Decimal("-1500.00"), None, moment],
        *[[text, None, None, None] for text in DANGEROUS],
    ]


def _csv(french: bool) -> str:
    return "".join(csv_lines(COLUMNS, _rows(), french=french))


def test_csv_starts_with_a_bom_uses_semicolons_and_crlf() -> None:
    text = _csv(french=False)
    assert text.startswith(BOM + "Projet;Montant demandé;Emplois (ETP);Déposée le\r\n")
    assert text.count("\r\n") == 1 + len(_rows())
    # A value holding the separator is quoted, so the columns stay aligned.
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))
    assert rows[1] == ["Épicerie « solidaire »; Roubaix", "12000.50", "2.5", "01/03/2026"]


def test_csv_numbers_in_the_french_way_only_when_asked() -> None:
    french = list(csv.reader(io.StringIO(_csv(french=True).removeprefix(BOM)), delimiter=";"))
    plain = list(csv.reader(io.StringIO(_csv(french=False).removeprefix(BOM)), delimiter=";"))
    assert french[1][1:3] == ["12 000,50", "2,5"]
    assert plain[1][1:3] == ["12000.50", "2.5"]
    # A negative amount stays a number: no apostrophe before its minus sign.
    assert french[2][1] == "-1 500,00"
    assert plain[2][1] == "-1500.00"


def test_csv_dates_are_french_days_of_the_local_calendar() -> None:
    rows = list(csv.reader(io.StringIO(_csv(french=True).removeprefix(BOM)), delimiter=";"))
    assert rows[2][3] == "01/01/2027"  # 23:30 UTC on 31 December is 00:30 in Lille


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    rows = list(csv.reader(io.StringIO(_csv(french=False).removeprefix(BOM)), delimiter=";"))
    cells = [row[0] for row in rows]
    assert f"'{text}" in cells
    assert text not in cells


def test_number_text_groups_thousands() -> None:
    assert number_text(Decimal("1234567.5"), french=True) == "1 234 567,5"
    assert number_text(Decimal("999"), french=True) == "999"
    assert number_text(Decimal("-1000"), french=True) == "-1 000"
    assert safe_text("Roubaix") == "Roubaix"


def test_xlsx_cells_are_typed_and_formulas_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    write_xlsx(str(path), COLUMNS, _rows(), title="Candidatures")
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet.title == "Candidatures"
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == [c.label for c in COLUMNS]
    assert sheet["A1"].font.bold
    first = sheet[2]
    assert first[0].value == "Épicerie « solidaire »; Roubaix"
    assert first[1].value == 12000.5
    assert first[1].data_type == "n"
    assert "#,##0.00" in first[1].number_format
    assert first[2].value == 2.5
    assert first[3].value.date() == datetime.date(2026, 3, 1)
    assert first[3].is_date
    assert first[3].number_format == "dd/mm/yyyy"
    assert sheet["B3"].value == -1500
    assert sheet["B3"].data_type == "n"
    assert sheet["D3"].value.date() == datetime.date(2027, 1, 1)
    for index, text in enumerate(DANGEROUS, start=4):
        cell = sheet.cell(row=index, column=1)
        assert cell.data_type == "s", text  # a string, never a formula ("f")
        # XLSX escapes a carriage return as _x000D_ (openpyxl reads it back so).
        assert str(cell.value).replace("_x000D_", "\r") == text
    assert sheet.column_dimensions["A"].width >= 20

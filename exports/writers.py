"""The files: CSV (UTF-8 with BOM, ``;``, CRLF) written line by line, and XLSX written by
XlsxWriter in ``constant_memory`` mode (each row flushed to disk once written). Both take
an iterator of rows, so memory stays flat whatever the number of rows; ``progress`` is
called every ``every`` rows with the count written so far."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import xlsxwriter  # type: ignore[import-untyped]

from exports.cells import as_day, as_number, csv_cell
from exports.registry import Column, Kind

BOM = "\ufeff"
Progress = Callable[[int], None]


class _Line:
    """A file-like ``write`` that hands back the line it is given (for streaming)."""

    def write(self, line: str) -> str:
        return line


def csv_lines(
    columns: tuple[Column, ...],
    rows: Iterable[list[Any]],
    *,
    french: bool,
    progress: Progress | None = None,
    every: int = 1000,
) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    kinds = [column.kind for column in columns]
    header = writer.writerow([csv_cell(c.label, Kind.TEXT, french=french) for c in columns])
    yield BOM + str(header)
    done = 0
    for row in rows:
        yield str(
            writer.writerow(
                [csv_cell(v, k, french=french) for v, k in zip(row, kinds, strict=True)]
            )
        )
        done += 1
        if progress is not None and done % every == 0:
            progress(done)
    if progress is not None:
        progress(done)


def write_csv(target: IO[bytes], *args: Any, **kwargs: Any) -> None:
    for line in csv_lines(*args, **kwargs):
        target.write(line.encode("utf-8"))


# Number formats are stored in the file in Excel's neutral syntax; a French spreadsheet
# shows them as "12 000,50 €" and "31/12/2026".
FORMATS = {
    Kind.NUMBER: "#,##0.##",
    Kind.MONEY: '#,##0.00 "€"',
    Kind.DATE: "dd/mm/yyyy",
}
WIDTHS = {Kind.TEXT: 24, Kind.NUMBER: 12, Kind.MONEY: 16, Kind.DATE: 12}


def write_xlsx(
    path: str,
    columns: tuple[Column, ...],
    rows: Iterable[list[Any]],
    *,
    title: str,
    progress: Progress | None = None,
    every: int = 1000,
) -> None:
    # No string is ever read as a formula, a number or a link: every text cell goes
    # through write_string, numbers and dates through their own writers.
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(path, options)
    try:
        sheet = workbook.add_worksheet(title[:31])
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        formats = {kind: workbook.add_format({"num_format": f}) for kind, f in FORMATS.items()}
        for index, column in enumerate(columns):
            width = column.width or max(WIDTHS[column.kind], min(len(column.label) + 2, 40))
            sheet.set_column(index, index, width)
            sheet.write_string(0, index, column.label, bold)
        sheet.freeze_panes(1, 0)
        done = 0
        for done, row in enumerate(rows, start=1):
            for index, (column, value) in enumerate(zip(columns, row, strict=True)):
                _write_cell(sheet, done, index, column.kind, value, formats)
            if progress is not None and done % every == 0:
                progress(done)
        if progress is not None:
            progress(done)
    finally:
        workbook.close()


def _write_cell(sheet: Any, row: int, col: int, kind: Kind, value: Any, formats: dict) -> None:
    if value is None or value == "":
        return
    if kind in (Kind.NUMBER, Kind.MONEY):
        number = as_number(value)
        if number is not None:
            sheet.write_number(row, col, float(number), formats[kind])
        return
    if kind is Kind.DATE:
        day = as_day(value)
        if day is not None:
            sheet.write_datetime(row, col, day, formats[kind])
        return
    # Text is stored as text: a spreadsheet never evaluates a string cell.
    sheet.write_string(row, col, str(value))

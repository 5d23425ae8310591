"""The extract as a ZIP written while it is read: CSV files (UTF-8 with BOM, ``;``), the data
dictionary and a short ``LISEZMOI.txt``.

``zipfile`` writes to a stream that cannot seek (entries carry data descriptors), so each
chunk of rows is compressed and handed on as soon as it is written: memory holds one chunk of
rows, whatever the number of dossiers.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any, cast

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.french import long_date
from funding.formatting import format_number

from .columns import LabFile, euros, grant_top
from .dossiers import DOSSIERS
from .pseudonyms import Pseudonyms
from .records import FUNDING, REPORTS

FILES: tuple[LabFile, ...] = (DOSSIERS, FUNDING, REPORTS)
DICTIONARY_HEADER = ("fichier", "colonne", "signification", "type", "unite", "valeurs_possibles")
CHUNK_ROWS = 2000


class _Pipe:
    """A write-only, non-seekable stream: what is written waits here until taken."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def dictionary_rows() -> Iterator[tuple[str, ...]]:
    for lab_file in FILES:
        for col in lab_file.columns:
            yield (lab_file.name, col.name, col.meaning, col.kind, col.unit, col.allowed)


def _csv_entry(archive: zipfile.ZipFile, name: str) -> tuple[Any, Any]:
    entry = archive.open(zipfile.ZipInfo(name, date_time=_zip_time()), mode="w")
    text = io.TextIOWrapper(entry, encoding="utf-8-sig", newline="")
    return text, csv.writer(text, delimiter=";", lineterminator="\r\n")


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = timezone.localtime()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def usage_context() -> dict[str, Any]:
    """What the page and the LISEZMOI both say: the small-cell rule and the top band."""
    threshold = int(Decimal(settings.OPEN_DATA_GRANT_THRESHOLD))
    return {
        "min_cell": int(settings.STATISTICS_MIN_CELL),
        "grant_top": euros(grant_top()),
        "open_data_threshold": format_number(threshold, places=0).replace("\u202f", " "),
    }


def readme(*, extracted_on: datetime.date, counts: dict[str, int]) -> str:
    return render_to_string(
        "steering/lab_readme.txt",
        {
            "extracted_on": long_date(extracted_on),
            "extracted_iso": extracted_on.isoformat(),
            "files": [(f, counts.get(f.name, 0)) for f in FILES],
            **usage_context(),
        },
    )


def zip_chunks(*, extracted_on: datetime.date, counts: dict[str, int]) -> Iterator[bytes]:
    """The ZIP's bytes, chunk by chunk. The pseudonyms' key lives in this generator only."""
    pseudonyms = Pseudonyms()
    pipe = _Pipe()
    with zipfile.ZipFile(cast(IO[bytes], pipe), "w", zipfile.ZIP_DEFLATED) as archive:
        for lab_file in FILES:
            text, writer = _csv_entry(archive, lab_file.name)
            writer.writerow([col.name for col in lab_file.columns])
            keys = [f"lab_{i}" for i in range(len(lab_file.columns))]
            cells = [col.cell for col in lab_file.columns]
            for n, row in enumerate(lab_file.rows(chunk_size=CHUNK_ROWS), start=1):
                writer.writerow(
                    [cell(row[k], pseudonyms) for cell, k in zip(cells, keys, strict=False)]
                )
                if n % CHUNK_ROWS == 0:
                    text.flush()
                    yield pipe.take()
            text.close()
            yield pipe.take()
        text, writer = _csv_entry(archive, "dictionnaire.csv")
        writer.writerow(DICTIONARY_HEADER)
        writer.writerows(dictionary_rows())
        text.close()
        info = zipfile.ZipInfo("LISEZMOI.txt", date_time=_zip_time())
        archive.writestr(
            info, readme(extracted_on=extracted_on, counts=counts), zipfile.ZIP_DEFLATED
        )
    yield pipe.take()

"""Territory reference files (communes, EPCI, QPV lists, perimeters) read into checked rows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from applicants.qpv_index import perimeter_geometry

# ANCT editions name their properties differently; compared case-insensitively, in order.
CODE_FIELDS = ("code_qp", "code_quartier", "code")
NAME_FIELDS = ("lib_qp", "nom_qp", "nom")
COMMUNE_FIELDS = ("insee_com", "commune_qp", "insee_communes")

INSEE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
SEPARATORS = re.compile(r"[;,]")


@dataclass(frozen=True)
class CommuneRow:
    insee_code: str
    name: str
    postal_codes: str
    population: int | None
    epci_siren: str | None  # None: leave what the database has (no EPCI file given)


@dataclass(frozen=True)
class QpvRow:
    code: str
    name: str
    commune_refs: tuple[str, ...] | None  # INSEE codes or names; None: the file has none
    perimeter: dict[str, Any] | None = None


# Reading files ---------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # tolerate the BOM of spreadsheet exports
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Impossible de lire {path} : {error}") from error


def _read_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except ValueError as error:
        raise CommandError(f"{path} n'est pas un fichier JSON valide : {error}") from error


def _read_csv(path: Path, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    missing = required - set(reader.fieldnames or ())
    if missing:
        raise CommandError(f"{path} : colonne(s) manquante(s) : {', '.join(sorted(missing))}.")
    for line, row in enumerate(reader, start=2):
        yield line, {key: (value or "").strip() for key, value in row.items() if key}


def _population(value: Any, where: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise CommandError(f"{where} : population illisible « {value} ».") from error


def _insee_code(value: Any, where: str) -> str:
    code = f"{value:05d}" if isinstance(value, int) else str(value).strip()
    if not INSEE_CODE.match(code):
        raise CommandError(f"{where} : code INSEE invalide « {value} ».")
    return code


# Communes --------------------------------------------------------------------------------


def epci_members(path: Path) -> dict[str, str]:
    """INSEE code of each member commune → SIREN of its EPCI, from ``epci.json``."""
    data = _read_json(path)
    if not isinstance(data, list):
        raise CommandError(f"{path} : une liste d'EPCI est attendue.")
    members: dict[str, str] = {}
    try:
        for epci in data:
            for member in epci["membres"]:
                members[str(member["code"])] = str(epci["code"])
    except (KeyError, TypeError) as error:
        raise CommandError(f"{path} : EPCI sans « code » ou « membres » ({error}).") from error
    return members


def commune_rows(path: Path, members: dict[str, str] | None) -> list[CommuneRow]:
    if path.suffix.lower() == ".json":
        return _commune_rows_json(path, members)
    return _commune_rows_csv(path, members)


def _commune_rows_csv(path: Path, members: dict[str, str] | None) -> list[CommuneRow]:
    # The bundled format lists MEL members only; an EPCI file, when given, says otherwise.
    rows = []
    for line, row in _read_csv(path, {"insee_code", "name", "postal_codes"}):
        where = f"{path.name} ligne {line}"
        code = _insee_code(row["insee_code"], where)
        epci = members.get(code, "") if members is not None else settings.MEL_EPCI_SIREN
        rows.append(
            CommuneRow(
                code,
                row["name"],
                row["postal_codes"],
                _population(row.get("population"), where),
                epci,
            )
        )
    return rows


def _commune_rows_json(path: Path, members: dict[str, str] | None) -> list[CommuneRow]:
    data = _read_json(path)
    if not isinstance(data, list):
        raise CommandError(f"{path} : une liste de communes est attendue.")
    rows = []
    for position, entry in enumerate(data):
        where = f"{path.name} entrée {position}"
        if not isinstance(entry, dict):
            raise CommandError(f"{where} : objet attendu.")
        # Communes déléguées and associées have their own codes but are not members of an EPCI.
        if entry.get("type", "commune-actuelle") != "commune-actuelle":
            continue
        if "code" not in entry or "nom" not in entry:
            raise CommandError(f"{where} : « code » et « nom » sont obligatoires.")
        code = _insee_code(entry["code"], where)
        postal_codes = ";".join(str(pc) for pc in entry.get("codesPostaux") or ())
        epci = members.get(code, "") if members is not None else None
        rows.append(
            CommuneRow(
                code,
                str(entry["nom"]),
                postal_codes,
                _population(entry.get("population"), where),
                epci,
            )
        )
    return rows


# QPV -------------------------------------------------------------------------------------


def _split_refs(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else SEPARATORS.split(str(value))
    refs = (f"{item:05d}" if isinstance(item, int) else str(item).strip() for item in items)
    return tuple(ref for ref in refs if ref)


def qpv_list_rows(path: Path) -> list[QpvRow]:
    rows = []
    for line, row in _read_csv(path, {"code", "nom", "insee_communes"}):
        if not row["code"]:
            raise CommandError(f"{path.name} ligne {line} : code QPV manquant.")
        rows.append(
            QpvRow(row["code"], row["nom"] or row["code"], _split_refs(row["insee_communes"]))
        )
    return rows


def _property(properties: dict[str, Any], candidates: tuple[str, ...]) -> Any:
    lowered = {str(key).lower(): value for key, value in properties.items()}
    for candidate in candidates:
        value = lowered.get(candidate.lower())
        if value not in (None, "", []):
            return value
    return None


def perimeter_rows(path: Path, fields: dict[str, tuple[str, ...]]) -> list[QpvRow]:
    data = _read_json(path)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise CommandError(f"{path} : une FeatureCollection GeoJSON est attendue.")
    _require_wgs84(path, data)
    features = data.get("features")
    if not isinstance(features, list):
        raise CommandError(f"{path} : la FeatureCollection n'a pas de liste « features ».")
    rows = [
        _perimeter_row(path, position, feature, fields) for position, feature in enumerate(features)
    ]
    return _merge_same_code(rows)


def _require_wgs84(path: Path, data: dict[str, Any]) -> None:
    crs_name = str(((data.get("crs") or {}).get("properties") or {}).get("name", ""))
    if crs_name and "4326" not in crs_name and "CRS84" not in crs_name.upper():
        raise CommandError(
            f"{path} : projection {crs_name} ; convertissez le fichier en WGS84 (EPSG:4326)."
        )


def _perimeter_row(
    path: Path, position: int, feature: Any, fields: dict[str, tuple[str, ...]]
) -> QpvRow:
    where = f"{path.name} entité {position}"
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict):
        raise CommandError(f"{where} : Feature GeoJSON sans propriétés.")
    code = _property(properties, fields["code"])
    if code is None:
        raise CommandError(
            f"{where} : pas de code QPV parmi {', '.join(fields['code'])} (voir --code-field)."
        )
    try:
        polygon = perimeter_geometry(feature)
    except ValueError as error:
        raise CommandError(f"{where} ({code}) : {error}.") from error
    min_x, min_y, max_x, max_y = polygon.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise CommandError(
            f"{where} ({code}) : coordonnées hors WGS84 ; convertissez le fichier en EPSG:4326."
        )
    communes = _property(properties, fields["communes"])
    geometry = feature["geometry"]
    return QpvRow(
        code=str(code).strip(),
        name=str(_property(properties, fields["name"]) or "").strip(),
        commune_refs=_split_refs(communes) if communes is not None else None,
        perimeter={"type": geometry["type"], "coordinates": geometry["coordinates"]},
    )


def _merge_same_code(rows: list[QpvRow]) -> list[QpvRow]:
    """One row per QPV code: a QPV drawn as several features keeps all of its parts."""
    merged: dict[str, QpvRow] = {}
    for row in rows:
        seen = merged.get(row.code)
        merged[row.code] = row if seen is None else _merged(seen, row)
    return list(merged.values())


def _merged(first: QpvRow, second: QpvRow) -> QpvRow:
    refs = None
    if first.commune_refs is not None or second.commune_refs is not None:
        refs = tuple(dict.fromkeys((first.commune_refs or ()) + (second.commune_refs or ())))
    # Parts are put side by side in a MultiPolygon, unchanged: no geometry is computed.
    parts = _polygon_parts(first.perimeter) + _polygon_parts(second.perimeter)
    return QpvRow(
        first.code, first.name or second.name, refs, {"type": "MultiPolygon", "coordinates": parts}
    )


def _polygon_parts(geometry: dict[str, Any] | None) -> list[Any]:
    if geometry is None:
        return []
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])

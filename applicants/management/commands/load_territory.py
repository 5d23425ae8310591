"""Load the territory reference data: communes (with their EPCI), QPV lists and perimeters.

With no option, loads the files bundled in ``applicants/reference_data`` (the 95 MEL communes
and the 26 MEL QPV of 2024, without perimeters). Options refresh from the official national
files; see ``applicants/reference_data/PROVENANCE.md`` for where they come from. Every load is
idempotent (update or create, keyed on INSEE code or on QPV code + generation) and runs in
its own transaction. Geometry is only ever copied from a file, never made up.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from applicants.models import Commune, QpvArea
from applicants.qpv_index import perimeter_geometry

REFERENCE_DATA = Path(__file__).resolve().parents[2] / "reference_data"
BUNDLED_COMMUNES = REFERENCE_DATA / "mel_communes.csv"
BUNDLED_QPV_LIST = REFERENCE_DATA / "mel_qpv_2024_codes.csv"
BUNDLED_GENERATION = 2024
GENERATIONS = (2015, 2024)

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


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    unknown_communes: dict[str, set[str]] = field(default_factory=dict)

    def written(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.updated += 1


class Command(BaseCommand):
    help = (
        "Charge les communes de la MEL et les quartiers prioritaires (QPV), depuis les fichiers "
        "fournis (sans option) ou depuis les fichiers nationaux officiels."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--communes",
            type=Path,
            help="CSV au format fourni, ou communes.json (decoupage-administratif).",
        )
        parser.add_argument(
            "--epci-json",
            type=Path,
            help="epci.json (decoupage-administratif) : fixe le SIREN de l'EPCI.",
        )
        parser.add_argument("--qpv-list", type=Path, help="CSV code,nom,insee_communes[,communes].")
        parser.add_argument(
            "--perimeters", type=Path, help="GeoJSON (WGS84) des périmètres de l'ANCT."
        )
        parser.add_argument(
            "--generation",
            type=int,
            choices=GENERATIONS,
            help="Géographie prioritaire des QPV chargés.",
        )
        parser.add_argument(
            "--only-mel",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Ne garder que les QPV d'une commune de la MEL connue en base (par défaut : oui).",
        )
        parser.add_argument("--code-field", help="Propriété GeoJSON du code QPV.")
        parser.add_argument("--name-field", help="Propriété GeoJSON du nom du QPV.")
        parser.add_argument("--communes-field", help="Propriété GeoJSON des communes du QPV.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not any(options[key] for key in ("communes", "epci_json", "qpv_list", "perimeters")):
            options = {
                **options,
                "communes": BUNDLED_COMMUNES,
                "qpv_list": BUNDLED_QPV_LIST,
                "generation": BUNDLED_GENERATION,
                "only_mel": True,
            }
        # Every file is read and checked before anything is written: a bad one changes nothing.
        communes = self._read_communes(options)
        qpv_files = self._read_qpv_files(options)
        if communes is not None:
            self._load_communes(*communes)
        for path, rows in qpv_files:
            self._load_qpv(rows, options["generation"], path, options["only_mel"])

    def _read_communes(self, options: dict[str, Any]) -> tuple[Path, list[CommuneRow]] | None:
        path, epci_path = options["communes"], options["epci_json"]
        if epci_path and not path:
            raise CommandError("--epci-json s'utilise avec --communes.")
        if not path:
            return None
        members = _epci_members(epci_path) if epci_path else None
        return path, _commune_rows(path, members)

    def _read_qpv_files(self, options: dict[str, Any]) -> list[tuple[Path, list[QpvRow]]]:
        files = []
        if options["qpv_list"]:
            files.append((options["qpv_list"], _qpv_list_rows(options["qpv_list"])))
        if options["perimeters"]:
            fields = _perimeter_fields(options)
            files.append((options["perimeters"], _perimeter_rows(options["perimeters"], fields)))
        if files and options["generation"] is None:
            raise CommandError("Précisez --generation 2015 ou 2024 pour charger des QPV.")
        return files

    def _load_communes(self, path: Path, rows: list[CommuneRow]) -> None:
        with transaction.atomic():
            tally = _upsert_communes(rows, source=path.name)
        total, in_mel = Commune.objects.count(), Commune.objects.in_mel().count()
        self.stdout.write(
            f"Communes ({path.name}) : {tally.created} créée(s), {tally.updated} mise(s) à jour, "
            f"{tally.unchanged} inchangée(s) ; {total} en base dont {in_mel} dans la MEL."
        )

    def _load_qpv(
        self, rows: Iterable[QpvRow], generation: int, path: Path, only_mel: bool
    ) -> None:
        with transaction.atomic():
            tally = _upsert_qpv(rows, generation=generation, source=path.name, only_mel=only_mel)
        total = QpvArea.objects.filter(generation=generation).count()
        with_perimeter = QpvArea.objects.filter(
            generation=generation, perimeter__isnull=False
        ).count()
        self.stdout.write(
            f"QPV {generation} ({path.name}) : {tally.created} créé(s), {tally.updated} mis à jour, "
            f"{tally.unchanged} inchangé(s), {tally.skipped} ignoré(s) hors MEL ; "
            f"{total} en base dont {with_perimeter} avec périmètre."
        )
        for ref, codes in sorted(tally.unknown_communes.items()):
            self.stderr.write(
                self.style.WARNING(
                    f"Commune inconnue « {ref} » citée par {', '.join(sorted(codes))} : "
                    "chargez-la avec --communes."
                )
            )


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


def _epci_members(path: Path) -> dict[str, str]:
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


def _commune_rows(path: Path, members: dict[str, str] | None) -> list[CommuneRow]:
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


def _upsert_communes(rows: list[CommuneRow], *, source: str) -> Tally:
    existing = {
        c.insee_code: c for c in Commune.objects.filter(insee_code__in=[r.insee_code for r in rows])
    }
    tally = Tally()
    for row in rows:
        values: dict[str, Any] = {
            "name": row.name,
            "postal_codes": row.postal_codes,
            "population": row.population,
            "source": source,
        }
        if row.epci_siren is not None:
            values["epci_siren"] = row.epci_siren
        current = existing.get(row.insee_code)
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            tally.unchanged += 1
            continue
        _, created = Commune.objects.update_or_create(insee_code=row.insee_code, defaults=values)
        tally.written(created)
    return tally


# QPV -------------------------------------------------------------------------------------


def _split_refs(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else SEPARATORS.split(str(value))
    refs = (f"{item:05d}" if isinstance(item, int) else str(item).strip() for item in items)
    return tuple(ref for ref in refs if ref)


def _qpv_list_rows(path: Path) -> list[QpvRow]:
    rows = []
    for line, row in _read_csv(path, {"code", "nom", "insee_communes"}):
        if not row["code"]:
            raise CommandError(f"{path.name} ligne {line} : code QPV manquant.")
        rows.append(
            QpvRow(row["code"], row["nom"] or row["code"], _split_refs(row["insee_communes"]))
        )
    return rows


def _perimeter_fields(options: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    def pick(override: str | None, defaults: tuple[str, ...]) -> tuple[str, ...]:
        return (override,) if override else defaults

    return {
        "code": pick(options["code_field"], CODE_FIELDS),
        "name": pick(options["name_field"], NAME_FIELDS),
        "communes": pick(options["communes_field"], COMMUNE_FIELDS),
    }


def _property(properties: dict[str, Any], candidates: tuple[str, ...]) -> Any:
    lowered = {str(key).lower(): value for key, value in properties.items()}
    for candidate in candidates:
        value = lowered.get(candidate.lower())
        if value not in (None, "", []):
            return value
    return None


def _perimeter_rows(path: Path, fields: dict[str, tuple[str, ...]]) -> list[QpvRow]:
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


def _normalised(name: str) -> str:
    # Ligatures do not decompose: "Marcq-en-Barœul" is often typed "Marcq-en-Baroeul".
    name = name.lower().replace("œ", "oe").replace("æ", "ae")
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", stripped.lower()).strip()


class CommuneResolver:
    """Finds communes by INSEE code or, for files that list names (2015 ``commune_qp``), by
    accent- and case-insensitive name when that name is unambiguous."""

    def __init__(self) -> None:
        communes = list(Commune.objects.all())
        self.by_code = {c.insee_code: c for c in communes}
        self.by_name: dict[str, list[Commune]] = {}
        for commune in communes:
            self.by_name.setdefault(_normalised(commune.name), []).append(commune)

    def resolve(self, ref: str) -> Commune | None:
        if INSEE_CODE.match(ref):
            return self.by_code.get(ref)
        matches = self.by_name.get(_normalised(ref), [])
        in_mel = [c for c in matches if c.in_mel]
        if len(matches) == 1:
            return matches[0]
        return in_mel[0] if len(in_mel) == 1 else None


def _upsert_qpv(rows: Iterable[QpvRow], *, generation: int, source: str, only_mel: bool) -> Tally:
    resolver = CommuneResolver()
    existing = {
        a.code: a
        for a in QpvArea.objects.filter(generation=generation).prefetch_related("communes")
    }
    tally = Tally()
    for row in rows:
        current = existing.get(row.code)
        communes = _row_communes(row, resolver, current)
        if only_mel and not any(c.in_mel for c in communes):
            tally.skipped += 1
            continue
        for ref in row.commune_refs or ():
            if resolver.resolve(ref) is None:
                tally.unknown_communes.setdefault(ref, set()).add(row.code)
        _save_qpv(row, communes, current, generation=generation, source=source, tally=tally)
    return tally


def _row_communes(row: QpvRow, resolver: CommuneResolver, current: QpvArea | None) -> list[Commune]:
    if row.commune_refs is None:  # the file says nothing: keep what is known
        return list(current.communes.all()) if current is not None else []
    found = (resolver.resolve(ref) for ref in row.commune_refs)
    return [commune for commune in found if commune is not None]


def _save_qpv(
    row: QpvRow,
    communes: list[Commune],
    current: QpvArea | None,
    *,
    generation: int,
    source: str,
    tally: Tally,
) -> None:
    values: dict[str, Any] = {
        "name": row.name or (current.name if current else row.code),
        "source": source,
    }
    if row.perimeter is not None:  # a list without geometry never erases a loaded perimeter
        values["perimeter"] = row.perimeter
    same_communes = current is not None and {c.pk for c in current.communes.all()} == {
        c.pk for c in communes
    }
    if (
        current is not None
        and same_communes
        and all(getattr(current, k) == v for k, v in values.items())
    ):
        tally.unchanged += 1
        return
    area, created = QpvArea.objects.update_or_create(
        code=row.code, generation=generation, defaults=values
    )
    if communes:  # never leave a QPV without the communes it had because a file omits them
        area.communes.set(communes)
    tally.written(created)

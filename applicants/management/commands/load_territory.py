"""Load the territory reference data: communes (with their EPCI), QPV lists and perimeters.

With no option, loads the files bundled in ``applicants/reference_data`` (the 95 MEL communes
and the 26 MEL QPV of 2024, without perimeters). Options refresh from the official national
files; see ``applicants/reference_data/PROVENANCE.md`` for where they come from. Every load is
idempotent (update or create, keyed on INSEE code or on QPV code + generation) and runs in
its own transaction. Geometry is only ever copied from a file, never made up.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from applicants.models import Commune, QpvArea
from applicants.territory_files import (
    CODE_FIELDS,
    COMMUNE_FIELDS,
    NAME_FIELDS,
    CommuneRow,
    QpvRow,
    commune_rows,
    epci_members,
    perimeter_rows,
    qpv_list_rows,
)
from applicants.territory_upserts import upsert_communes, upsert_qpv

REFERENCE_DATA = Path(__file__).resolve().parents[2] / "reference_data"
BUNDLED_COMMUNES = REFERENCE_DATA / "mel_communes.csv"
BUNDLED_QPV_LIST = REFERENCE_DATA / "mel_qpv_2024_codes.csv"
BUNDLED_GENERATION = 2024
GENERATIONS = (2015, 2024)


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
        members = epci_members(epci_path) if epci_path else None
        return path, commune_rows(path, members)

    def _read_qpv_files(self, options: dict[str, Any]) -> list[tuple[Path, list[QpvRow]]]:
        files = []
        if options["qpv_list"]:
            files.append((options["qpv_list"], qpv_list_rows(options["qpv_list"])))
        if options["perimeters"]:
            fields = _perimeter_fields(options)
            files.append((options["perimeters"], perimeter_rows(options["perimeters"], fields)))
        if files and options["generation"] is None:
            raise CommandError("Précisez --generation 2015 ou 2024 pour charger des QPV.")
        return files

    def _load_communes(self, path: Path, rows: list[CommuneRow]) -> None:
        with transaction.atomic():
            tally = upsert_communes(rows, source=path.name)
        total, in_mel = Commune.objects.count(), Commune.objects.in_mel().count()
        self.stdout.write(
            f"Communes ({path.name}) : {tally.created} créée(s), {tally.updated} mise(s) à jour, "
            f"{tally.unchanged} inchangée(s) ; {total} en base dont {in_mel} dans la MEL."
        )

    def _load_qpv(
        self, rows: Iterable[QpvRow], generation: int, path: Path, only_mel: bool
    ) -> None:
        with transaction.atomic():
            tally = upsert_qpv(rows, generation=generation, source=path.name, only_mel=only_mel)
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


def _perimeter_fields(options: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    def pick(override: str | None, defaults: tuple[str, ...]) -> tuple[str, ...]:
        return (override,) if override else defaults

    return {
        "code": pick(options["code_field"], CODE_FIELDS),
        "name": pick(options["name_field"], NAME_FIELDS),
        "communes": pick(options["communes_field"], COMMUNE_FIELDS),
    }

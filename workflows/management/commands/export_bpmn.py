"""Writes every flow's BPMN 2.0 file into a folder: the files served at /schemas/<name>.bpmn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from workflows.bpmn import flow_bpmn
from workflows.catalogue import FLOWS


class Command(BaseCommand):
    help = "Exporte chaque flux en BPMN 2.0 (<nom>.bpmn, à ouvrir dans bpmn.io) dans un dossier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="Dossier de destination (créé au besoin).")

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, flow_class in FLOWS.items():
            path = folder / f"{name}.bpmn"
            path.write_text(flow_bpmn(flow_class), encoding="utf-8")
            self.stdout.write(str(path))

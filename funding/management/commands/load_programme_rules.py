"""Load the programme configuration: legal forms (CSV), then axes, programmes and rules (JSON).

Staff maintain these values in the admin once they are loaded, so by default the command
only **creates what is missing** and leaves existing rows as they are; ``--update``
overwrites them with the file. A rule version that already exists belongs to the admin:
without ``--update`` its eligible forms, documents and criteria are left alone as well, so a
document staff removed does not come back at the next deployment. Nothing is ever deleted.

Rows are keyed on natural keys (legal form code, axis number, programme slug, programme and
start date for rule versions, rule version + legal form + code for documents, rule version +
code for criteria) and validated with ``full_clean()`` before saving: ``update_or_create``
alone would skip ``CallRuleVersion.clean()`` and let overlapping periods in. Everything runs
in one transaction, so an error leaves the database as it was.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from applicants.models import LegalForm
from funding.models import CallRuleVersion, PlanAxis, Programme, RequiredDocument, ScoringCriterion

M = TypeVar("M", bound=models.Model)

DEFAULT_RULES = (
    Path(__file__).resolve().parents[2] / "reference_data" / "entreprendre_autrement.json"
)
CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"
BOOLEAN_COLUMNS = ("ess_by_nature", "is_commercial_company", "is_association", "is_registered")


def legal_forms_csv() -> Path:
    return Path(apps.get_app_config("applicants").path) / "reference_data" / "legal_forms.csv"


def _as_bool(text: str) -> bool:
    value = text.strip().lower()
    if value not in {"true", "false"}:
        raise CommandError(f"Valeur booléenne attendue (true/false), lu « {text} ».")
    return value == "true"


class Loader:
    """Upserts rows and counts what happened to each model, for the final report."""

    def __init__(self, *, update: bool) -> None:
        self.update = update
        self.tally: dict[str, Counter[str]] = {}

    def upsert(
        self, model: type[M], lookup: dict[str, Any], values: dict[str, Any]
    ) -> tuple[M, str]:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj, status = model(**lookup, **values), CREATED
        else:
            changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if not changed:
                status = UNCHANGED
            elif not self.update:
                status = KEPT  # edited in the admin (or the file changed): the admin wins
            else:
                for field, value in changed.items():
                    setattr(obj, field, value)
                status = UPDATED
        if status in {CREATED, UPDATED}:
            self._save(obj, lookup)
        self.tally.setdefault(str(model._meta.verbose_name_plural), Counter())[status] += 1
        return obj, status

    def _save(self, obj: models.Model, lookup: dict[str, Any]) -> None:
        try:
            obj.full_clean()
        except ValidationError as error:
            raise CommandError(
                f"{obj._meta.verbose_name} {lookup} refusé : {' '.join(error.messages)}"
            ) from error
        obj.save()

    def report(self) -> list[str]:
        lines = [
            f"{label.capitalize()} : {counts[CREATED]} ajout(s), {counts[UPDATED]} mise(s) à "
            f"jour, {counts[UNCHANGED]} sans changement, {counts[KEPT]} différent(s) du "
            "fichier et conservé(s)"
            for label, counts in self.tally.items()
        ]
        if any(counts[KEPT] for counts in self.tally.values()):
            lines.append("Relancez avec --update pour écraser les valeurs conservées.")
        versions = self.tally.get(str(CallRuleVersion._meta.verbose_name_plural), Counter())
        if not self.update and versions[UNCHANGED] + versions[KEPT]:
            lines.append(
                "Versions déjà présentes : leurs formes éligibles, pièces et critères sont "
                "laissés tels que l'administration les a (--update pour les recharger)."
            )
        return lines


def load_legal_forms(loader: Loader, path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values: dict[str, Any] = {col: _as_bool(row[col]) for col in BOOLEAN_COLUMNS}
            values.update(label=row["label"].strip(), position=int(row["position"]))
            loader.upsert(LegalForm, {"code": row["code"].strip()}, values)


def load_axes(loader: Loader, axes: list[dict[str, Any]]) -> None:
    for axis in axes:
        values = {"name": axis["name"], "description": axis.get("description", "")}
        loader.upsert(PlanAxis, {"number": axis["number"]}, values)


def load_programme(loader: Loader, entry: dict[str, Any]) -> None:
    axis = PlanAxis.objects.filter(number=entry["axis"]).first()
    if axis is None:
        raise CommandError(f"Programme « {entry['slug']} » : axe {entry['axis']} inconnu.")
    values = {
        "axis_id": axis.pk,
        "name": entry["name"],
        "description": entry.get("description", ""),
        "is_permanent_call": entry.get("is_permanent_call", True),
        "is_active": entry.get("is_active", True),
    }
    programme, _ = loader.upsert(Programme, {"slug": entry["slug"]}, values)
    for version in entry.get("rule_versions", []):
        load_rule_version(loader, programme, version)


def _legal_forms(codes: set[str]) -> dict[str, LegalForm]:
    """The legal forms the file names, by code; unknown codes stop the whole load."""
    found = {form.code: form for form in LegalForm.objects.filter(code__in=codes)}
    missing = sorted(codes - set(found))
    if missing:
        raise CommandError(f"Formes juridiques inconnues : {', '.join(missing)}.")
    return found


def _rule_version_values(entry: dict[str, Any]) -> dict[str, Any]:
    until = entry.get("valid_until")
    return {
        "label": entry["label"],
        "valid_until": datetime.date.fromisoformat(until) if until else None,
        "grant_cap": Decimal(str(entry["grant_cap"])),
        "cap_percent_of_budget": Decimal(str(entry["cap_percent_of_budget"])),
        "startup_age_limit_years": entry["startup_age_limit_years"],
        "esus_required_after_years": entry.get("esus_required_after_years"),
        "convention_threshold": Decimal(str(entry.get("convention_threshold", "23000"))),
        "notes": entry.get("notes", ""),
    }


def load_rule_version(loader: Loader, programme: Programme, entry: dict[str, Any]) -> None:
    lookup = {
        "programme_id": programme.pk,
        "valid_from": datetime.date.fromisoformat(entry["valid_from"]),
    }
    version, status = loader.upsert(CallRuleVersion, lookup, _rule_version_values(entry))
    if status != CREATED and not loader.update:
        return  # an existing version and everything under it belong to the admin
    documents = entry.get("required_documents", [])
    eligible = entry.get("eligible_legal_forms")
    forms = _legal_forms(
        {*(eligible or []), *(d["legal_form"] for d in documents if d.get("legal_form"))}
    )
    if eligible is not None:
        version.eligible_legal_forms.set([forms[code] for code in eligible])
    for doc in documents:
        code = doc.get("legal_form")  # none: a document asked of every structure
        load_document(loader, version, doc, forms[code] if code else None)
    for criterion in entry.get("scoring_criteria", []):
        load_criterion(loader, version, criterion)


def load_document(
    loader: Loader, version: CallRuleVersion, doc: dict[str, Any], form: LegalForm | None
) -> None:
    lookup = {
        "rule_version_id": version.pk,
        "legal_form_id": form.pk if form else None,
        "code": doc["code"],
    }
    values = {
        "label": doc["label"],
        "help_text": doc.get("help_text", ""),
        "is_mandatory": doc.get("is_mandatory", True),
    }
    loader.upsert(RequiredDocument, lookup, values)


def load_criterion(loader: Loader, version: CallRuleVersion, criterion: dict[str, Any]) -> None:
    values = {
        "label": criterion["label"],
        "weight_percent": criterion["weight_percent"],
        "max_score": criterion.get("max_score", 4),
        "position": criterion.get("position", 0),
    }
    loader.upsert(
        ScoringCriterion, {"rule_version_id": version.pk, "code": criterion["code"]}, values
    )


def read_rules(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise CommandError(f"Impossible de lire {path} : {error}") from error
    if not isinstance(data, dict):
        raise CommandError(f"{path} : un objet JSON est attendu à la racine.")
    return data


class Command(BaseCommand):
    help = (
        "Charge les formes juridiques puis les axes, programmes et versions du règlement. "
        "Par défaut, n'ajoute que ce qui manque (les valeurs modifiées dans l'administration "
        "sont conservées) ; --update écrase les valeurs existantes avec celles du fichier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_RULES,
            help="Fichier JSON du programme (même format que le fichier par défaut).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Écraser les valeurs existantes, y compris celles modifiées dans l'administration.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rules = read_rules(options["file"])
        loader = Loader(update=options["update"])
        with transaction.atomic():
            load_legal_forms(loader, legal_forms_csv())
            load_axes(loader, rules.get("plan_axes", []))
            for programme in rules.get("programmes", []):
                load_programme(loader, programme)
        for line in loader.report():
            self.stdout.write(line)

"""The loader fills a fresh database and never undoes what staff changed in the admin."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applicants.models import LegalForm
from funding.management.commands.load_programme_rules import DEFAULT_RULES
from funding.models import CallRuleVersion, PlanAxis, Programme, RequiredDocument, ScoringCriterion

pytestmark = pytest.mark.django_db


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_programme_rules", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            LegalForm,
            PlanAxis,
            Programme,
            CallRuleVersion,
            RequiredDocument,
            ScoringCriterion,
        )
    }


def test_a_fresh_database_gets_the_forms_axes_programme_and_both_rule_versions() -> None:
    output = _load()
    assert _counts() == {
        "LegalForm": 9,
        "PlanAxis": 5,
        "Programme": 1,
        "CallRuleVersion": 2,
        "RequiredDocument": 42,
        "ScoringCriterion": 14,
    }
    assert "Formes juridiques : 9 ajout(s)" in output
    assert LegalForm.objects.get(code="not_created").is_registered is False
    assert Programme.objects.get(slug="entreprendre-autrement").axis.number == 1


def test_loading_twice_changes_nothing() -> None:
    _load()
    before = _counts()
    output = _load()
    assert _counts() == before
    counts = [line.split(" : ", 1)[1] for line in output.splitlines() if " ajout(s)" in line]
    assert counts
    assert all(line.startswith("0 ajout(s), 0 mise(s) à jour") for line in counts)


def test_values_changed_in_the_admin_are_kept_unless_update_is_asked() -> None:
    _load()
    version = CallRuleVersion.objects.get(label="Règlement 2024")
    version.grant_cap = Decimal("25000")
    version.save()
    RequiredDocument.objects.filter(rule_version=version, code="cv_equipe").delete()

    output = _load()
    version.refresh_from_db()
    assert version.grant_cap == Decimal("25000")
    assert not RequiredDocument.objects.filter(rule_version=version, code="cv_equipe").exists()
    assert "1 différent(s) du fichier et conservé(s)" in output
    assert "--update" in output

    _load("--update")
    version.refresh_from_db()
    assert version.grant_cap == Decimal("30000")
    assert RequiredDocument.objects.filter(rule_version=version, code="cv_equipe").exists()


def test_another_file_in_the_same_format_can_be_loaded(tmp_path: Path) -> None:
    rules = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    programme = rules["programmes"][0]
    programme.update(slug="essai", name="Programme d'essai")
    programme["rule_versions"] = programme["rule_versions"][1:]
    path = tmp_path / "essai.json"
    path.write_text(json.dumps(rules), encoding="utf-8")

    _load("--file", str(path))
    assert Programme.objects.get(slug="essai").rule_versions.get().label == "Règlement 2024"


def test_an_unknown_legal_form_stops_the_load_and_writes_nothing(tmp_path: Path) -> None:
    rules = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    rules["programmes"][0]["rule_versions"][0]["eligible_legal_forms"].append("sarl")
    path = tmp_path / "faux.json"
    path.write_text(json.dumps(rules), encoding="utf-8")

    with pytest.raises(CommandError, match="Formes juridiques inconnues : sarl"):
        _load("--file", str(path))
    assert not Programme.objects.exists()
    assert not LegalForm.objects.exists()


def test_overlapping_versions_in_a_file_are_refused(tmp_path: Path) -> None:
    rules = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    rules["programmes"][0]["rule_versions"][1]["valid_from"] = "2023-06-01"
    path = tmp_path / "chevauchement.json"
    path.write_text(json.dumps(rules), encoding="utf-8")

    with pytest.raises(CommandError, match="chevauche"):
        _load("--file", str(path))
    assert not CallRuleVersion.objects.exists()

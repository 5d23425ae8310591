"""Keys printed in attributes are never localized: with French number formatting on
(``USE_THOUSAND_SEPARATOR``), ``{{ row.pk }}`` prints "1 033" beyond 999 rows, which breaks a
checkbox's value (the batch action) and an id (a label's ``for``). Found by the PostgreSQL
run, whose keys grow past 999; this reads every template so that SQLite catches it too."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

RAW_KEY = re.compile(r"\{\{\s*[\w.]+(?:\.pk|\.id|_id)\s*\}\}")
# Texts, not numbers: a document's public UUID, a form field's ``auto_id``.
TEXT_KEYS = ("public_id", "auto_id")


def test_no_template_prints_a_bare_key() -> None:
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for root in roots
        for path in root.rglob("*.html")
        for match in RAW_KEY.finditer(path.read_text(encoding="utf-8"))
        if not any(key in match.group(0) for key in TEXT_KEYS)
    ]
    assert offenders == []


def test_an_unlocalized_key_prints_its_digits_only() -> None:
    rendered = Template("{% load l10n %}{{ key }} {{ key|unlocalize }}").render(
        Context({"key": 1033})
    )
    assert rendered.split(" ", 1)[1] == "1033"
    assert rendered.split(" ", 1)[0] != "1033"  # what the bare key would have printed

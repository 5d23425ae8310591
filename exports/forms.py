"""What the reader chooses for an export: the format and how numbers are written."""

from __future__ import annotations

from django import forms

from exports.models import ExportFormat
from exports.registry import FORMAT_PARAM


class ExportForm(forms.Form):
    # Field names are the registry's FORMAT_PARAM and FRENCH_NUMBERS_PARAM, never filters.
    format = forms.ChoiceField(
        choices=ExportFormat.choices,
        label="Format du fichier",
        initial=ExportFormat.CSV,
        error_messages={"invalid_choice": "Choisissez le format CSV ou Excel (XLSX)."},
    )
    nombres_fr = forms.BooleanField(
        required=False,
        label="Nombres au format français (12 000,50 plutôt que 12000.50)",
        help_text="Pour un tableur réglé en français ; laissez décoché pour un autre logiciel.",
    )

    def __init__(self, data: object = None, **kwargs: object) -> None:
        # A link without a format asks for CSV, the format every tool reads.
        if data is not None and hasattr(data, "get") and not data.get(FORMAT_PARAM):
            data = data.copy()  # type: ignore[attr-defined]
            data[FORMAT_PARAM] = ExportFormat.CSV  # type: ignore[index]
        super().__init__(data, **kwargs)  # type: ignore[arg-type]

"""Form fields for numbers typed the French way, shared by every step's form.

Django strips thousands separators only from localised fields and only the locale's own
separator; people type "12 000", paste "12 000,50 €" from a page (narrow no-break spaces)
or "12000.50" from a spreadsheet. All of these are read the same, independently of settings.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import numberformat

_SPACES_AND_EURO = re.compile(r"[\s\u00a0\u202f€]")
_BAD_AMOUNT = "Saisissez un montant en euros, par exemple 12 000 ou 12000,50."
_TOO_LARGE_AMOUNT = "Ce montant est trop grand : au plus 9 999 999 999,99 €."
TOO_LARGE = {"max_digits": _TOO_LARGE_AMOUNT, "max_whole_digits": _TOO_LARGE_AMOUNT}
AMOUNT_MESSAGES = {
    "invalid": _BAD_AMOUNT,
    "min_value": "Le montant ne peut pas être négatif.",
    "max_decimal_places": "Au plus deux chiffres après la virgule (les centimes).",
    **TOO_LARGE,
}


def french_decimal_text(value: Any) -> Any:
    """``"12 000,50 €"`` → ``"12000.50"``; anything else is returned unchanged."""
    if isinstance(value, str):
        return _SPACES_AND_EURO.sub("", value).replace(",", ".")
    return value


class FrenchDecimalField(forms.DecimalField):
    """A decimal number with a decimal comma and spaces between thousands."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text input: a number input would refuse "12 000" in the browser.
        return {}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return super().to_python(french_decimal_text(value))

    def prepare_value(self, value: Any) -> Any:
        """A stored number is shown back the French way ("12 000,50"), never "12000.50";
        what the person typed (a string) is shown back as typed."""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return numberformat.format(
                value,
                ",",
                decimal_pos=self.decimal_places,
                grouping=3,
                thousand_sep="\u202f",
                force_grouping=True,
            )
        return value


class AmountField(FrenchDecimalField):
    """An amount in euros: at most 12 digits with 2 decimals, never negative."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        messages = {**AMOUNT_MESSAGES, **kwargs.pop("error_messages", {})}
        super().__init__(error_messages=messages, **kwargs)

"""Validators and normalisers for French identifiers, with messages in plain French.

Checksums come from python-stdnum (Luhn for SIREN/SIRET, including La Poste's SIRET rule;
ISO 13616 for IBAN); formats for RNA and NAF follow INSEE and the RNA register.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as std_siren
from stdnum.fr import siret as std_siret

_SPACES = re.compile(r"[\s.\-]+")
RNA_RE = re.compile(r"^W\d{9}$")
NAF_RE = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


def compact(value: str) -> str:
    return _SPACES.sub("", value or "").upper()


def _explain(error: StdnumError, label: str, length: int) -> str:
    if isinstance(error, InvalidLength):
        return f"Le {label} doit comporter exactement {length} chiffres."
    if isinstance(error, InvalidFormat):
        return f"Le {label} ne doit contenir que des chiffres."
    if isinstance(error, InvalidChecksum):
        return f"Ce {label} n'existe pas : vérifiez qu'il n'y a pas de faute de frappe."
    return f"Ce {label} n'est pas valide."


def validate_siren(value: str) -> None:
    try:
        std_siren.validate(compact(value))
    except StdnumError as error:
        raise ValidationError(_explain(error, "numéro SIREN", 9), code="invalid_siren") from error


def validate_siret(value: str) -> None:
    try:
        std_siret.validate(compact(value))
    except StdnumError as error:
        raise ValidationError(_explain(error, "numéro SIRET", 14), code="invalid_siret") from error


def validate_rna(value: str) -> None:
    if not RNA_RE.match(compact(value)):
        raise ValidationError(
            "Le numéro RNA commence par la lettre W suivie de 9 chiffres (exemple : W595012345).",
            code="invalid_rna",
        )


def normalise_naf(value: str) -> str:
    """``8899b`` or ``88 99 B`` become ``88.99B``; anything else is returned compacted."""
    raw = compact(value)
    match = NAF_RE.match(raw)
    return f"{match.group(1)}.{match.group(2)}{match.group(3)}" if match else raw


def validate_naf(value: str) -> None:
    if not NAF_RE.match(compact(value)) or "." not in normalise_naf(value):
        raise ValidationError(
            "Le code NAF (ou APE) a la forme 88.99B : deux chiffres, un point, deux chiffres et "
            "une lettre.",
            code="invalid_naf",
        )


FRENCH_IBAN_LENGTH = 27


def validate_iban(value: str) -> None:
    raw = compact(value)
    if raw.startswith("FR") and len(raw) != FRENCH_IBAN_LENGTH:
        # Checked first: stdnum reports a wrong length as a checksum error.
        raise ValidationError(
            f"Cet IBAN est incomplet ou trop long : un IBAN français compte "
            f"{FRENCH_IBAN_LENGTH} caractères (FR76 suivi de 23 caractères).",
            code="invalid_iban",
        )
    try:
        std_iban.validate(raw)
    except StdnumError as error:
        message = (
            "Cet IBAN est incomplet ou trop long."
            if isinstance(error, InvalidLength)
            else "Cet IBAN n'est pas valide : vérifiez-le sur votre relevé d'identité bancaire (RIB)."
        )
        raise ValidationError(message, code="invalid_iban") from error


def validate_bic(value: str) -> None:
    try:
        std_bic.validate(compact(value))
    except StdnumError as error:
        raise ValidationError(
            "Ce BIC n'est pas valide : il compte 8 ou 11 caractères (exemple : CCOPFRPPXXX), "
            "sur votre relevé d'identité bancaire.",
            code="invalid_bic",
        ) from error


def format_siret(value: str) -> str:
    raw = compact(value)
    return f"{raw[:3]} {raw[3:6]} {raw[6:9]} {raw[9:]}" if len(raw) == 14 else raw


def format_iban_masked(value: str) -> str:
    """Show only the country and the last four characters: ``FR76 •••• •••• 1234``."""
    raw = compact(value)
    return f"{raw[:4]} •••• •••• {raw[-4:]}" if len(raw) > 8 else raw

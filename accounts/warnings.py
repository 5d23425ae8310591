"""Set-up problems of an organisation that only a stage knows about (a financier that cannot
countersign, for one), shown where the organisation is edited.

Accounts sit below every stage and may not import them: a stage registers its check here when
it starts (``AppConfig.ready``), and the admin and the organisation page ask for the warnings.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Organisation

OrganisationCheck = Callable[[Organisation], list[str]]

_checks: list[OrganisationCheck] = []


def organisation_check_register(check: OrganisationCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def organisation_warnings(*, organisation: Organisation) -> list[str]:
    """Every registered stage's warnings about ``organisation``, in French ([] if none)."""
    return [warning for check in _checks for warning in check(organisation)]

"""Programme rules applied to a request: amount caps and legal-form eligibility.

The figures (caps, percentages, forms) are data on ``CallRuleVersion``, edited by staff in
the admin; these functions only apply them and explain refusals in French.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from applicants.models import LegalForm
from funding.formatting import format_euros, format_percent
from funding.models import CallRuleVersion

CENT = Decimal("0.01")


def _of_rules(rule_version: CallRuleVersion) -> str:
    """Turn the label "Règlement 2024" into "du règlement 2024", to end a sentence."""
    label = rule_version.label
    return f"du {label[:1].lower()}{label[1:]}"


def budget_share_limit(*, rule_version: CallRuleVersion, budget: Decimal) -> Decimal:
    """The share of the budget the grant may reach, rounded down to the cent.

    Rounding down keeps "montant ≤ limite affichée" equivalent to the exact rule.
    """
    share = budget * rule_version.cap_percent_of_budget / Decimal(100)
    return share.quantize(CENT, rounding=ROUND_DOWN)


def requested_amount_check(
    *,
    rule_version: CallRuleVersion,
    requested: Decimal,
    budget: Decimal,
    label: str = "Le montant demandé",
) -> list[str]:
    """Why ``requested`` breaks the version's caps, as French sentences; empty when it fits.

    Both rules are checked and reported together, so the applicant fixes the amount once:
    the fixed cap (20 000 € until 2023, 30 000 € from 2024) and the share of the budget
    prévisionnel (30 %).
    """
    if requested <= 0:
        return [f"{label} doit être supérieur à zéro."]
    if budget <= 0:
        return ["Le budget prévisionnel doit être supérieur à zéro."]
    problems = []
    if requested > rule_version.grant_cap:
        problems.append(
            f"{label} ({format_euros(requested)}) dépasse le plafond de "
            f"{format_euros(rule_version.grant_cap)} {_of_rules(rule_version)}."
        )
    limit = budget_share_limit(rule_version=rule_version, budget=budget)
    if requested > limit:
        problems.append(
            f"{label} ({format_euros(requested)}) dépasse "
            f"{format_percent(rule_version.cap_percent_of_budget)} du budget prévisionnel "
            f"({format_euros(budget)}) : il ne peut pas dépasser {format_euros(limit)}."
        )
    return problems


def legal_form_is_eligible(*, rule_version: CallRuleVersion, legal_form: LegalForm) -> bool:
    """Whether structures of this legal form may apply under this rule version."""
    return rule_version.eligible_legal_forms.filter(pk=legal_form.pk).exists()

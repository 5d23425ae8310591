"""Saving what the person typed in the application form, field by field, with the history
of who changed what (``edits``). The form saves itself as the person types (autosave) and
with its "Enregistrer le brouillon" button; neither ever completes a step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.exceptions import ApplicationError
from accounts.models import User
from workflows.application.edits import edit_record, ongoing_edits
from workflows.application.services import (
    SCALAR_FIELDS,
    application_fill_check,
    application_values,
    editable_fields,
)
from workflows.engine import process_lock
from workflows.models import Application, BudgetKind, BudgetLine


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def application_save_draft(
    *, application: Application, actor: User, values: dict[str, Any]
) -> list[str]:
    """Save what was typed, field by field, each change attributed to ``actor`` (and to the
    mandate when an advisor acts for the holder). Never completes a step. Returns the names
    of the fields changed."""
    with process_lock(application):
        # Decide on the row as it is now: a submission or a deadline may have changed it
        # since the page was loaded, and a stale copy must never be written back.
        application.refresh_from_db()
        return _save_draft_locked(application, actor, values)


def _save_draft_locked(application: Application, actor: User, values: dict[str, Any]) -> list[str]:
    mandate = application_fill_check(application=application, actor=actor)
    allowed = editable_fields(application=application)
    if allowed is not None and not allowed:
        raise ApplicationError("La candidature n'est plus modifiable à cette étape.")
    current = application_values(application=application)
    ongoing = ongoing_edits(application=application, actor=actor, mandate=mandate)
    changed: list[str] = []
    for name, value in values.items():
        # The checklist is not typed: the documents store keeps it (one item per file).
        if name not in current or name.startswith("doc_"):
            continue
        if allowed is not None and name not in allowed:
            continue
        old = current.get(name)
        if _as_text(old) == _as_text(value):
            continue
        changed.append(name)
        edit_record(
            application=application,
            actor=actor,
            mandate=mandate,
            name=name,
            old=_as_text(old),
            new=_as_text(value),
            ongoing=ongoing.get(name),
        )
        if name in SCALAR_FIELDS:
            setattr(application, name, value if value is not None else _empty(name))
        else:
            _set_budget_total(application, name, value)
    application.save()
    return changed


def _empty(name: str) -> Any:
    return "" if name in ("axis", "social_utility") else None


def _set_budget_total(application: Application, name: str, value: Decimal | None) -> None:
    kind = BudgetKind.CHARGE if name == "charges_total" else BudgetKind.PRODUIT
    application.budget_lines.filter(kind=kind).delete()
    if value is not None:
        label = "Total des charges" if kind == BudgetKind.CHARGE else "Total des produits"
        BudgetLine.objects.create(application=application, kind=kind, label=label, amount=value)
    if kind == BudgetKind.CHARGE:
        application.total_budget = value

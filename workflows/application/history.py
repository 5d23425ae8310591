"""The application's changes as a reader sees them: each changed field named by its label
("Montant demandé", "Extrait Kbis"), never by its name in the code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from funding.models import RequiredDocument
from workflows.models import Application

EDIT_LIMIT = 50

EDIT_LABELS = {
    "axis": _("Volet"),
    "requested_amount": _("Montant demandé"),
    "charges_total": _("Total des charges du budget prévisionnel"),
    "produits_total": _("Total des produits du budget prévisionnel"),
    "jobs_planned_fte": _("Emplois prévus"),
    "social_utility": _("Utilité sociale du projet"),
    "financing_lines": _("Plan de financement"),
}
DOCUMENT_PREFIX = "doc_"
UNKNOWN = _("Autre élément de la candidature")


def application_edits(*, application: Application, limit: int = EDIT_LIMIT) -> list[Any]:
    """The newest ``limit`` changes, each with ``label``: two queries whatever their number."""
    edits = list(application.edits.select_related("editor", "mandate")[:limit])
    codes = {e.field.removeprefix(DOCUMENT_PREFIX) for e in edits if _is_document(e.field)}
    documents = (
        dict(RequiredDocument.objects.filter(code__in=codes).values_list("code", "label"))
        if codes
        else {}
    )
    for edit in edits:
        if _is_document(edit.field):
            code = edit.field.removeprefix(DOCUMENT_PREFIX)
            edit.label = documents.get(code) or _("Pièce jointe")
        else:
            edit.label = EDIT_LABELS.get(edit.field, UNKNOWN)
    return edits


def _is_document(field: str) -> bool:
    return field.startswith(DOCUMENT_PREFIX)

"""Reads about documents: which ones a user may see, the checklist of a dossier with its
files, and whether a user may add files to a dossier now."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import AnyUser, filter_visible
from workflows.application.services import active_mandate, checklist_documents, editable_fields
from workflows.models import Application

from .models import Document


@dataclass
class ChecklistRow:
    """A document asked of the dossier (``code``) and the files handed in for it."""

    code: str
    label: str
    help_text: str = ""
    is_mandatory: bool = False
    documents: list[Document] = field(default_factory=list)


def documents_visible_to(user: AnyUser) -> QuerySet[Document]:
    """Live documents of the applications ``user`` may see (holder, MEL staff, supporting
    organisation, financiers the dossier is shared with) or read as the committee member
    who scores it (``consult``, withdrawn by a conflict), plus their own loose files."""
    applications = filter_visible(user, Application.objects.all()).values("pk")
    consulted = filter_visible(user, Application.objects.all(), "consult").values("pk")
    scope = Q(application__in=applications) | Q(application__in=consulted)
    if isinstance(user, User):
        scope |= Q(application__isnull=True, owner=user)
    return Document.objects.filter(deleted_at__isnull=True).filter(scope)


def documents_of_application(*, application: Application) -> QuerySet[Document]:
    """Live documents of a dossier, infected ones included (shown, never served)."""
    return application.documents.filter(deleted_at__isnull=True).select_related("owner")


def document_checklist(*, application: Application) -> list[ChecklistRow]:
    """One row per document asked of the dossier, in the call's order, each with its files;
    files for codes no longer asked come last under "Autres pièces". Two queries."""
    rows = {
        required.code: ChecklistRow(
            code=required.code,
            label=required.label,
            help_text=required.help_text,
            is_mandatory=required.is_mandatory,
        )
        for required in checklist_documents(application=application)
    }
    others = ChecklistRow(code="", label="Autres pièces")
    for document in documents_of_application(application=application):
        rows.get(document.code, others).documents.append(document)
    return [*rows.values(), *([others] if others.documents else [])]


def documents_may_fill(*, application: Application, user: User) -> bool:
    """The holder, or an advisor acting under an active mandate, while the dossier (or at
    least one of its documents) is still open to edits."""
    allowed = editable_fields(application=application)
    if allowed is not None and not any(name.startswith("doc_") for name in allowed):
        return False
    if user.pk == application.holder_id:
        return True
    return active_mandate(application=application) is not None and user.has_perm(
        "workflows.fill_application", application
    )

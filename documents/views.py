"""Pages of the documents: a dossier's checklist with its files and upload forms, the
permission-checked download and the deletion.

Access: a dossier hidden from the user → 404; visible but not open to them for edits →
the page is read-only and any POST is refused with 403. Downloads follow who may see the
dossier; a pending or infected document is never served (409 with an explanation).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.access import get_visible_or_404
from accounts.exceptions import ApplicationError
from accounts.http import AuthenticatedRequest
from workflows.application.selectors import application_queryset
from workflows.models import Application

from .forms import DocumentUploadForm
from .selectors import document_checklist, documents_may_fill, documents_visible_to
from .services import DocumentUnavailable, document_delete, document_open, document_upload
from .validation import ACCEPT_ATTRIBUTE, human_size

NOT_ALLOWED = "Vous ne pouvez pas déposer ni supprimer de pièces sur cette candidature."


@login_required
def application_documents(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The dossier's checklist; POST uploads one file for one code (multipart)."""
    application = get_visible_or_404(request.user, application_queryset(), pk=pk)
    can_fill = documents_may_fill(application=application, user=request.user)
    error, status = "", 200
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied(NOT_ALLOWED)
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = document_upload(
                    application=application,
                    actor=request.user,
                    code=form.cleaned_data["code"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ApplicationError as refused:
                error = refused.message
            else:
                messages.success(request, f"« {document.original_name} » est déposé.")
                return redirect("documents:application", pk=application.pk)
        else:
            error = form.first_error()
        status = 400
    return _page(request, application, can_fill=can_fill, error=error, status=status)


def _page(
    request: AuthenticatedRequest,
    application: Application,
    *,
    can_fill: bool,
    error: str,
    status: int,
) -> HttpResponse:
    return render(
        request,
        "documents/application.html",
        {
            "application": application,
            "rows": document_checklist(application=application),
            "can_fill": can_fill,
            "error": error,
            "max_size": human_size(settings.DOCUMENT_MAX_BYTES),
            "accept": ACCEPT_ATTRIBUTE,
        },
        status=status,
    )


@require_GET
@login_required
def document_download(request: AuthenticatedRequest, public_id: UUID) -> HttpResponseBase:
    document = get_object_or_404(documents_visible_to(request.user), public_id=public_id)
    try:
        handle = document_open(document=document, user=request.user)
    except DocumentUnavailable as unavailable:
        return render(
            request,
            "documents/unavailable.html",
            {"document": document, "message": unavailable.message},
            status=409,
        )
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = attachment_header(document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_header(name: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name in RFC 5987 form."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c for c in fallback if c.isprintable() and c not in '"\\;') or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_POST
@login_required
def document_remove(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    document = get_object_or_404(
        documents_visible_to(request.user).select_related("application"), public_id=public_id
    )
    application = document.application
    if application is None or not documents_may_fill(application=application, user=request.user):
        raise PermissionDenied(NOT_ALLOWED)
    try:
        document_delete(document=document, actor=request.user)
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"« {document.original_name} » est supprimé.")
    return redirect("documents:application", pk=application.pk)

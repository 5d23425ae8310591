"""The lab dataset's page: what the extract holds, its data dictionary, and the download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.french import plural
from accounts.http import AuthenticatedRequest
from funding.formatting import format_number

from .archive import FILES, usage_context
from .services import lab_dataset_counts, lab_dataset_download

# The row-level extract is the evaluation lab's (and MEL staff's), not the Comité's.
EXTRACT_PERM = "applicants.extract_project"


@login_required
@require_http_methods(["GET", "POST"])
def lab_dataset(request: AuthenticatedRequest) -> HttpResponseBase:
    if not request.user.has_perm(EXTRACT_PERM):
        raise PermissionDenied(
            "Cet extrait est réservé au laboratoire d'évaluation et à l'équipe de la MEL."
        )
    if request.method == "POST":
        download = lab_dataset_download(actor=request.user)
        response = StreamingHttpResponse(download.chunks, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
        response["Cache-Control"] = "no-store"
        return response
    counts = lab_dataset_counts()
    files = [
        {
            "file": lab_file,
            "rows": f"{format_number(counts[lab_file.name], places=0)} "
            f"{plural(counts[lab_file.name], 'ligne', 'lignes')}",
        }
        for lab_file in FILES
    ]
    return render(request, "steering/lab_dataset.html", {"files": files, **usage_context()})
